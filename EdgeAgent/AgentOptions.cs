using OrleansAttest.Tpm.Device.Keys;

namespace OrleansAttest.EdgeAgent;

/// <summary>What the agent connects to and where it keeps things (configuration section "Agent"; the CLI fills it).</summary>
public sealed class AgentOptions
{
    public const string SectionName = "Agent";
    public const string DefaultEventLog = "/sys/kernel/security/tpm0/binary_bios_measurements";

    /// <summary>The gateway, e.g. https://gateway.example:7443.</summary>
    public Uri? Gateway { get; set; }

    /// <summary>More gateways for failover: after a lost or failed connection the agent tries the next one, round robin.</summary>
    public Uri[] AdditionalGateways { get; set; } = [];

    /// <summary><see cref="Gateway"/> followed by <see cref="AdditionalGateways"/>.</summary>
    public IReadOnlyList<Uri> AllGateways => [.. (Gateway is null ? [] : new[] { Gateway }), .. AdditionalGateways];

    /// <summary>PEM file of the CA(s) the gateway's certificate must chain to.</summary>
    public string? CaFile { get; set; }

    public string NodeName { get; set; } = "";

    /// <summary>"device:/dev/tpmrm0" or "swtpm:HOST:PORT".</summary>
    public string Tpm { get; set; } = "device:/dev/tpmrm0";

    /// <summary>Where the AK (ak.pub, ak.priv) is kept, so a restart reuses it.</summary>
    public string StateDirectory { get; set; } = "/var/lib/orleansattest-agent";

    /// <summary>Algorithm of a newly created AK: RSA-2048 RSASSA-SHA256 (default) or ECC P-256 ECDSA-SHA256. A saved AK of the other kind is refused.</summary>
    public TpmKeyAlgorithm AkAlgorithm { get; set; } = TpmKeyAlgorithm.Rsa;

    /// <summary>The binary TCG event log; absent file = no event log is sent.</summary>
    public string EventLog { get; set; } = DefaultEventLog;

    /// <summary>First reconnect delay; doubled after each failed connection up to <see cref="ReconnectMaxDelay"/>, with jitter.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Where delivered credential files are written (mode 0700, files 0600); null = &lt;state directory&gt;/credentials.</summary>
    public string? CredentialsDirectory { get; set; }

    /// <summary>Command run with /bin/sh -c after credentials are stored or deleted (see EdgeAgent/README.md); null = none.</summary>
    public string? Hook { get; set; }

    /// <summary>A hook still running after this is killed.</summary>
    public TimeSpan HookTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public string EffectiveCredentialsDirectory =>
        string.IsNullOrEmpty(CredentialsDirectory) ? Path.Combine(StateDirectory, "credentials") : CredentialsDirectory;

    /// <summary>Largest gateway message the agent accepts.</summary>
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;
}
