package dev.uptake.server.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.uptake.store.Members;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Members' passwords: bcrypt hashes (cost 10: about 60 ms a check on this project's machine, so
 * guessing is slow and signing in is not), and the one-time passwords the command line prints.
 */
public final class Passwords {

  private static final int COST = 10;
  private static final char[] ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  public static String hash(String password) {
    return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
  }

  public static boolean matches(String password, String hash) {
    return BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)).verified;
  }

  /** 20 characters that are easy to copy: about 117 bits. */
  public static String oneTime() {
    char[] password = new char[20];
    for (int i = 0; i < password.length; i++) {
      password[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(password);
  }

  /** A member as the command line reports it; {@code password} is null for a member who already had one. */
  public record NewMember(String email, Members.Role role, String password) {}

  /** Adds {@code email} to the workspace; a new member gets a one-time password. */
  public static NewMember add(Members members, String email, long workspaceId, Members.Role role) {
    String password = oneTime();
    Members.Added added = members.add(email, hash(password), workspaceId, role);
    return new NewMember(added.member().email(), role, added.created() ? password : null);
  }
}
