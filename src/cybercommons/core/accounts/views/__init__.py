"""Account pages: sign-up, log-in with a second factor, password reset, profile, tokens."""
