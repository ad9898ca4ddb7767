using System.Security.Cryptography;
using OrleansAttest.Cli.Tests.Support;
using OrleansAttest.Tpm.Evidence;
using OrleansAttest.Tpm.Evidence.Files;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Tests.Usage;

/// <summary>
/// A valid quote in tpm2-tools file formats, signed in the test by a software AK — no TPM needed — so each
/// usage test can break exactly one input and show that only that input is blamed.
/// </summary>
public sealed class SoftwareEvidence : IDisposable
{
    private readonly ScratchDirectory _scratch = new();

    public SoftwareEvidence()
    {
        var selection = PcrSelection.ParseText("sha256:0,1,7");
        var values = PcrValues.FromDigests(selection, [new byte[32], new byte[32], SHA256.HashData("secureboot"u8)]);
        var ekName = (byte[])[0x00, 0x0B, .. SHA256.HashData("a software EK"u8)];
        using var ak = SoftwareAttestationKey.CreateEcc(ekName);
        var nonce = RandomNumberGenerator.GetBytes(32);
        var quote = ak.Quote(nonce, selection, values, new TpmsClockInfo(1000, 1, 0, true));
        NonceHex = Convert.ToHexStringLower(nonce);
        AkPublic = _scratch.Write("ak.pub", ak.Public.ToSizedBytes());
        Message = _scratch.Write("quote.msg", quote.Message);
        Signature = _scratch.Write("quote.sig", quote.Signature);
        Pcrs = _scratch.Write("quote.pcrs", new TpmToolsPcrFile(selection, values).ToBytes());
        EkName = _scratch.Write("ek.name", ekName);
    }

    public string AkPublic { get; }
    public string Message { get; }
    public string Signature { get; }
    public string Pcrs { get; }
    public string EkName { get; }
    public string NonceHex { get; }

    public string File(string name) => _scratch.File(name);

    public string Write(string name, byte[] bytes) => _scratch.Write(name, bytes);

    /// <summary>verify-quote arguments for this evidence, with <paramref name="replace"/> swapping one option's value.</summary>
    public string[] Arguments(params (string Option, string Value)[] replace)
    {
        var options = new List<(string Option, string Value)>
        {
            ("--ak-public", AkPublic), ("--message", Message), ("--signature", Signature), ("--pcrs", Pcrs), ("--nonce", NonceHex),
        };
        foreach (var (option, value) in replace)
        {
            int at = options.FindIndex(o => o.Option == option);
            if (at >= 0)
                options[at] = (option, value);
            else
                options.Add((option, value));
        }
        return ["verify-quote", .. options.SelectMany(o => new[] { o.Option, o.Value })];
    }

    /// <summary>verify-quote arguments without <paramref name="option"/> at all.</summary>
    public string[] ArgumentsWithout(string option)
    {
        var all = Arguments();
        int at = Array.IndexOf(all, option);
        return [.. all[..at], .. all[(at + 2)..]];
    }

    public void Dispose() => _scratch.Dispose();
}
