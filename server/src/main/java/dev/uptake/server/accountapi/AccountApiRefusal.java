package dev.uptake.server.accountapi;

/** The whole request fails batch-level validation: answered {@code status_is_ok} false with this message. */
final class AccountApiRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  AccountApiRefusal(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
