using OrleansAttest.Tpm.Device.Commands;

namespace OrleansAttest.Tpm.Device.Errors;

/// <summary>The TPM answered a command with a response code other than success.</summary>
public sealed class TpmException(TpmCommandCode command, TpmResponseCode code, string? context = null)
    : Exception($"TPM2_{command} failed with 0x{code.Raw:X3} {code}{(context is null ? "" : $" ({context})")}")
{
    public TpmCommandCode Command { get; } = command;

    public TpmResponseCode Code { get; } = code;

    /// <summary>The response code exactly as the TPM sent it.</summary>
    public uint RawCode => Code.Raw;
}
