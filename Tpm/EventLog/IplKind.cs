namespace OrleansAttest.Tpm.EventLog;

/// <summary>What an EV_IPL string is, by the conventions of GRUB, systemd-boot and shim.</summary>
public enum IplKind
{
    /// <summary>Nothing we recognize.</summary>
    Other,

    /// <summary>GRUB "grub_cmd: …" (PCR 8): a command GRUB ran.</summary>
    GrubCommand,

    /// <summary>The kernel command line: GRUB "kernel_cmdline: …" / "grub_kernel_cmdline …" (PCR 8), or systemd-boot's UTF-16 line (PCR 8 or 12).</summary>
    KernelCommandLine,

    /// <summary>A file a boot loader read: kernel, initrd, grub.cfg (GRUB on PCR 9).</summary>
    FilePath,

    /// <summary>Shim's MokList / MokListX / MokSBState measurements (PCR 14): the value names the variable.</summary>
    ShimVariable,
}
