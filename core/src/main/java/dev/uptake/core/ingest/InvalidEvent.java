package dev.uptake.core.ingest;

/**
 * Carries a {@link Rejection} out of the depths of normalization to {@link Normalizer#normalize},
 * which turns it into an {@link Outcome.Rejected}; it never leaves this package.
 */
final class InvalidEvent extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final transient Rejection rejection;

  InvalidEvent(Rejection rejection) {
    // No stack trace: this is a verdict on input, not a fault, and it is thrown on the hot path.
    super(rejection.reason(), null, false, false);
    this.rejection = rejection;
  }

  static InvalidEvent of(String field, String reason) {
    return new InvalidEvent(Rejection.invalid(field, reason));
  }
}
