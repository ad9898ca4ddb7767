using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Simulation;

/// <summary>
/// What quoting one selection needs from the PCRs at one version: the parsed selection, its canonical text, the
/// values in digest order and their pcrDigest. Immutable and shared by every quote until the PCRs change.
/// </summary>
internal sealed record QuoteMaterial(string RequestedText, PcrSelection Selection, string SelectionText, long PcrVersion, byte[][] Digests, byte[] PcrDigest);
