using System.CommandLine;
using OrleansAttest.Tpm.Device.Keys;

namespace OrleansAttest.Cli.Commands;

/// <summary>Options shared by the <c>attestctl tpm</c> commands.</summary>
public static class TpmOptions
{
    public static Option<string> Tpm() => new("--tpm")
    {
        Description = "the TPM: device:/dev/tpmrm0 (kernel resource manager) or swtpm:HOST:PORT (swtpm's data socket)",
        DefaultValueFactory = _ => "device:/dev/tpmrm0",
    };

    public static Option<TpmKeyAlgorithm> KeyAlgorithm(string name, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => TpmKeyAlgorithm.Rsa,
    };
}
