namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>What a boot-loader measurement is, as far as the measured-boot rules care.</summary>
public enum BootComponentKind
{
    Kernel,
    Initrd,
    CommandLine,
}
