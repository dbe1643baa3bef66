from dbdoctor.cli import run

run()
