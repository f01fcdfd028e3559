package dev.uptake.core.identity;

import java.util.Objects;

/**
 * An account (customer company) as processing keeps it.
 *
 * @param fields the contract's account fields under their canonical names ({@code name}, …)
 * @param traits every other group trait, as sent
 * @param dimensions group-sourced custom dimensions, typed
 * @param activity events that named this account themselves
 */
public record AccountState(String accountId, Fields fields, Fields traits, Fields dimensions, Activity activity) {

  public AccountState {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(traits, "traits");
    Objects.requireNonNull(dimensions, "dimensions");
    Objects.requireNonNull(activity, "activity");
  }

  public static AccountState empty(String accountId) {
    return new AccountState(accountId, Fields.EMPTY, Fields.EMPTY, Fields.EMPTY, Activity.NONE);
  }

  /** A new account needs a name and a join date; until both arrive it is pending. */
  public boolean pending() {
    return fields.value("name").isEmpty() || fields.value("createdAt").isEmpty();
  }

  public AccountState withFields(Fields newFields, Fields newTraits, Fields newDimensions) {
    return new AccountState(accountId, newFields, newTraits, newDimensions, activity);
  }

  /** Both states of the same account joined field by field (see {@link UserState#merge}). */
  public AccountState merge(AccountState other) {
    return new AccountState(accountId, fields.merge(other.fields), traits.merge(other.traits),
        dimensions.merge(other.dimensions), activity.merge(other.activity));
  }

  public AccountState withActivity(Activity newActivity) {
    return new AccountState(accountId, fields, traits, dimensions, newActivity);
  }
}
