from dbdoctor._entry import run

run()
