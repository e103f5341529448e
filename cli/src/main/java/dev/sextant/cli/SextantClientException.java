package dev.sextant.cli;

/** A point operation or request that failed, was rejected, or was not answered before its deadline. */
public final class SextantClientException extends RuntimeException {
    public SextantClientException(String message) {
        super(message);
    }

    public SextantClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
