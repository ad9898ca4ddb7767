using OrleansAttest.Tpm.EventLog;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// Finds kernels, initrds and command lines among the events, by the conventions of the boot loaders seen in real
/// logs: GRUB ("grub_cmd: linux …" / "initrd …" in PCR 8 name the files it then measures into PCR 9;
/// "kernel_cmdline: …" in PCR 8), systemd-boot (the UTF-16 command line in PCR 12, or PCR 8 in older versions), the
/// Linux EFI stub (EV_EVENT_TAG "Linux initrd" in PCR 9) and a UKI's systemd-stub (EV_IPL ".linux", ".initrd" section
/// names in PCR 11). A kernel loaded directly as an EFI application is a boot application (PCR 4), not listed here.
/// </summary>
public static class BootComponents
{
    private static readonly string[] KernelCommands = ["linux", "linuxefi", "linux16"];
    private static readonly string[] InitrdCommands = ["initrd", "initrdefi", "initrd16"];

    public static IReadOnlyList<BootComponent> Find(IReadOnlyList<TcgEvent> events)
    {
        var found = new List<BootComponent>();
        var kernelPaths = new HashSet<string>(StringComparer.Ordinal);
        var initrdPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (!e.ExtendsPcr)
                continue;
            switch (e.Detail)
            {
                case IplEvent { Kind: IplKind.GrubCommand } grub:
                    var words = grub.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (words.Length >= 2 && KernelCommands.Contains(words[0]))
                    {
                        kernelPaths.Add(StripDevice(words[1]));
                        // The linux command's arguments are the kernel command line GRUB passes on; its measured text
                        // proves them, while the separate "kernel_cmdline:" event could be relabelled as another command.
                        found.Add(new BootComponent(BootComponentKind.CommandLine, e, string.Join(' ', words.Skip(1)), "arguments of GRUB's linux command"));
                    }
                    else if (words.Length >= 2 && InitrdCommands.Contains(words[0]))
                        foreach (var path in words.Skip(1))
                            initrdPaths.Add(StripDevice(path));
                    break;
                case IplEvent { Kind: IplKind.KernelCommandLine } line when e.PcrIndex is 8 or 12:
                    found.Add(new BootComponent(BootComponentKind.CommandLine, e, line.Value, "boot loader command line"));
                    break;
                case IplEvent { Kind: IplKind.FilePath } file when e.PcrIndex == 9:
                    var stripped = StripDevice(file.Value);
                    var name = Path.GetFileName(stripped.Replace('\\', '/'));
                    if (kernelPaths.Contains(stripped))
                        found.Add(new BootComponent(BootComponentKind.Kernel, e, stripped, "file GRUB's linux command loaded"));
                    else if (initrdPaths.Contains(stripped))
                        found.Add(new BootComponent(BootComponentKind.Initrd, e, stripped, "file GRUB's initrd command loaded"));
                    else if (name.StartsWith("vmlinuz", StringComparison.Ordinal) || name.StartsWith("bzImage", StringComparison.Ordinal))
                        found.Add(new BootComponent(BootComponentKind.Kernel, e, stripped, "kernel file read by the boot loader"));
                    else if (name.StartsWith("initrd", StringComparison.Ordinal) || name.StartsWith("initramfs", StringComparison.Ordinal))
                        found.Add(new BootComponent(BootComponentKind.Initrd, e, stripped, "initrd file read by the boot loader"));
                    break;
                case IplEvent { Kind: IplKind.Other } section when e.PcrIndex == 11 && section.Value == ".linux":
                    found.Add(new BootComponent(BootComponentKind.Kernel, e, section.Value, "UKI .linux section"));
                    break;
                case IplEvent { Kind: IplKind.Other } section when e.PcrIndex == 11 && section.Value == ".initrd":
                    found.Add(new BootComponent(BootComponentKind.Initrd, e, section.Value, "UKI .initrd section"));
                    break;
                case EventTagData tag when e.PcrIndex == 9 && tag.Text == "Linux initrd":
                    found.Add(new BootComponent(BootComponentKind.Initrd, e, null, "initrd measured by the Linux EFI stub"));
                    break;
            }
        }
        return found;
    }

    /// <summary>"(hd0,gpt1)/boot/vmlinuz" → "/boot/vmlinuz": GRUB names the same file with or without its device.</summary>
    private static string StripDevice(string path)
    {
        if (path.StartsWith('(') && path.IndexOf(')') is var close and > 0)
            return path[(close + 1)..];
        return path;
    }
}
