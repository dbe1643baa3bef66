// Reads lines "<jdbc url>\t<user>\t<password>" on stdin (the password never on the command line); for each,
// connects with pgjdbc and prints one line: "ok" or "fail\t<exception class>: <message>". An empty line
// flushes. Run as a single-file program: java -cp postgresql.jar TryConnect.java
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

public class TryConnect {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isEmpty()) { System.out.flush(); continue; }
            String[] parts = line.split("\t", -1);
            Properties props = new Properties();
            props.setProperty("user", parts[1]);
            props.setProperty("password", parts[2]);
            props.setProperty("connectTimeout", "5");
            String result;
            try (Connection c = DriverManager.getConnection(parts[0], props)) {
                result = "ok";
            } catch (Exception e) {
                String msg = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\t', ' ');
                result = "fail\t" + e.getClass().getName() + ": " + msg;
            }
            System.out.println(result);
            System.out.flush();
        }
    }
}
