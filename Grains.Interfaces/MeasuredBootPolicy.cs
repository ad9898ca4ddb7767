namespace OrleansAttest.Grains.Interfaces;

/// <summary>
/// Measured-boot rules: what the replayed UEFI event log must show (DESIGN.md "Policies"; the reference-state idea of
/// Keylime's measured-boot policy). Every list is any-of and lower-case hex digests of the quoted bank, as measured,
/// so an update rolls out by adding the new digest before devices reboot; PK, KEK and db entries listed instead of their
/// variable's digest are an allowlist (every entry must be listed). An empty (or null) list is no rule.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansAttest.MeasuredBootPolicy")]
public sealed record MeasuredBootPolicy
{
    /// <summary>The SecureBoot variable measured into PCR 7 must be 1.</summary>
    [Id(0)] public bool RequireSecureBoot { get; init; }

    /// <summary>PK as measured into PCR 7: any of these variable digests, or every entry (certificate SHA-256 thumbprint or hash) listed here.</summary>
    [Id(1)] public string[] Pk { get; init; } = [];

    /// <summary>KEK: any of these variable digests, or every entry (certificate SHA-256 thumbprint or hash) listed here.</summary>
    [Id(2)] public string[] Kek { get; init; } = [];

    /// <summary>db: any of these variable digests, or every entry (certificate SHA-256 thumbprint or hash) listed here.</summary>
    [Id(3)] public string[] Db { get; init; } = [];

    /// <summary>dbx must contain at least these entries (hashes as hex, or certificate SHA-256 thumbprints).</summary>
    [Id(4)] public string[] DbxContains { get; init; } = [];

    /// <summary>Digests of EV_EFI_BOOT_SERVICES_APPLICATION events in PCR 4 (shim, GRUB, systemd-boot, a UKI, the kernel's EFI stub).</summary>
    [Id(5)] public string[] BootApplications { get; init; } = [];

    /// <summary>Digests of the kernel as measured (GRUB's EV_IPL of the kernel file in PCR 9).</summary>
    [Id(6)] public string[] Kernels { get; init; } = [];

    /// <summary>Digests of the initrd as measured (GRUB's EV_IPL in PCR 9, systemd-boot's "Linux initrd" EV_EVENT_TAG in PCR 9).</summary>
    [Id(7)] public string[] Initrds { get; init; } = [];

    /// <summary>Kernel command lines, exactly as measured (GRUB "kernel_cmdline:" in PCR 8, systemd-boot's UTF-16 line in PCR 12).</summary>
    [Id(8)] public string[] CommandLines { get; init; } = [];

    /// <summary>Every PCR 0–7 the policy covers must have a non-error EV_SEPARATOR.</summary>
    [Id(9)] public bool RequireSeparators { get; init; }

    /// <summary>
    /// Event types allowed in the covered PCRs (TCG names such as EV_IPL); any other extending event fails. Empty: no rule.
    /// </summary>
    [Id(10)] public string[] AllowedEventTypes { get; init; } = [];

    /// <summary>
    /// Digests of every measurement in PCR 9: each file GRUB read (configuration, module lists, grubenv, the kernel, the
    /// initrd), the EFI stub's initrd. GRUB names a file only in the unmeasured description, so <see cref="Kernels"/> alone
    /// cannot tell a renamed kernel from a configuration file; this list closes that gap.
    /// </summary>
    [Id(11)] public string[] BootFiles { get; init; } = [];

    /// <summary>Whether this policy states any rule at all.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasRules =>
        RequireSecureBoot || RequireSeparators
        || new[] { Pk, Kek, Db, DbxContains, BootApplications, Kernels, Initrds, CommandLines, AllowedEventTypes, BootFiles }.Any(l => l is { Length: > 0 });
}
