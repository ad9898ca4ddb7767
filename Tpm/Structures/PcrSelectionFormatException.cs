namespace OrleansAttest.Tpm.Structures;

/// <summary>
/// A PCR selection in text form ("sha256:0,1,7") could not be read. An ArgumentException so that callers that
/// validate arguments keep working; the one type <see cref="PcrSelection.ParseText"/> throws for bad text.
/// </summary>
public sealed class PcrSelectionFormatException(string message) : ArgumentException(message);
