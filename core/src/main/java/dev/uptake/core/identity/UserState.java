package dev.uptake.core.identity;

import java.util.Objects;

/**
 * A product user as processing keeps it.
 *
 * @param fields the contract's user fields under their canonical names ({@code firstName}, …)
 * @param traits every other identify trait, as sent
 * @param dimensions identify-sourced custom dimensions, typed; they land on the user's account
 * @param link the account the user was last linked to (by any event naming both), or null
 * @param activity every event of the user
 * @param unattributedActivity events of the user that named no account (they count for the link)
 */
public record UserState(
    String userId,
    Fields fields,
    Fields traits,
    Fields dimensions,
    Stamped link,
    Activity activity,
    Activity unattributedActivity) {

  public UserState {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(traits, "traits");
    Objects.requireNonNull(dimensions, "dimensions");
    Objects.requireNonNull(activity, "activity");
    Objects.requireNonNull(unattributedActivity, "unattributedActivity");
  }

  public static UserState empty(String userId) {
    return new UserState(userId, Fields.EMPTY, Fields.EMPTY, Fields.EMPTY, null, Activity.NONE, Activity.NONE);
  }

  /** The account id of the current link, or null. */
  public String accountId() {
    return link == null || link.value().isNull() ? null : link.value().asText();
  }

  public UserState withFields(Fields newFields, Fields newTraits, Fields newDimensions) {
    return new UserState(userId, newFields, newTraits, newDimensions, link, activity, unattributedActivity);
  }

  public UserState withLink(Stamped newLink) {
    return new UserState(userId, fields, traits, dimensions, newLink, activity, unattributedActivity);
  }

  /**
   * Both states of the same user joined field by field: the later stamp wins each field and the
   * link, activity spans both. Order and repetition do not matter, so two processes that each
   * changed a user lose nothing of each other when their states are merged.
   */
  public UserState merge(UserState other) {
    Stamped newLink = link == null || (other.link != null && other.link.stamp().isAfter(link.stamp())) ? other.link : link;
    return new UserState(userId, fields.merge(other.fields), traits.merge(other.traits), dimensions.merge(other.dimensions),
        newLink, activity.merge(other.activity), unattributedActivity.merge(other.unattributedActivity));
  }

  public UserState withActivity(Activity newActivity, Activity newUnattributed) {
    return new UserState(userId, fields, traits, dimensions, link, newActivity, newUnattributed);
  }
}
