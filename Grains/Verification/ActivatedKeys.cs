using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Verification;

/// <summary>
/// A node's activated AK, parsed, and its EK's Name: what every verdict needs from the stored TPMT_PUBLICs. A node
/// grain builds this once per activation (and again when the AK changes) rather than per quote, because
/// <see cref="AttestationKeyPublic"/> caches its OpenSSL key per instance (~200 µs to build for RSA).
/// </summary>
public sealed class ActivatedKeys
{
    private readonly byte[] _ekPublic;
    private readonly byte[] _akPublic;

    private ActivatedKeys(byte[] ekPublic, byte[] akPublic, AttestationKeyPublic ak, byte[] ekName)
    {
        _ekPublic = ekPublic;
        _akPublic = akPublic;
        Ak = ak;
        EkName = ekName;
    }

    public AttestationKeyPublic Ak { get; }

    public byte[] EkName { get; }

    /// <summary>Parses marshalled TPMT_PUBLICs; throws <see cref="TpmParseException"/> on malformed input.</summary>
    public static ActivatedKeys Parse(byte[] ekPublic, byte[] akPublic)
    {
        ArgumentNullException.ThrowIfNull(ekPublic);
        ArgumentNullException.ThrowIfNull(akPublic);
        var ak = AttestationKeyPublic.FromTpmPublic(TpmPublic.Parse(akPublic));
        var ekName = TpmPublic.Parse(ekPublic).ComputeName();
        return new ActivatedKeys(ekPublic.ToArray(), akPublic.ToArray(), ak, ekName);
    }

    /// <summary>Whether these are the keys of exactly these marshalled public areas.</summary>
    public bool Matches(byte[] ekPublic, byte[] akPublic) =>
        _ekPublic.AsSpan().SequenceEqual(ekPublic) && _akPublic.AsSpan().SequenceEqual(akPublic);
}
