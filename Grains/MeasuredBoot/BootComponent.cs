using OrleansAttest.Tpm.EventLog;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>A kernel, initrd or command line found in the log: the event and, for a command line, its text.</summary>
public sealed record BootComponent(BootComponentKind Kind, TcgEvent Event, string? Text, string How);
