"""Pure computation for the exchange module: perceptual hashing and matching, licences and
attribution, search text, and HTTP message signatures. No Django import here."""
