package dev.sparsetrain.core;

/**
 * Bad input from a user: a file, a flag or a configuration value. Its message is one line that
 * says where (file and line number, or the option or group), which value, and what is allowed; the
 * command line prints it alone and exits with code 2, never with a stack trace.
 */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "file:line: problem" in the usual compiler style. */
    public static BadInputException at(String file, long line, String problem) {
        return new BadInputException(file + ":" + line + ": " + problem);
    }
}
