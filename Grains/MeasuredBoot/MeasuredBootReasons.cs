namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// Stable reason codes of the event-log replay check and the measured-boot rules (DESIGN.md step 6, the last two
/// checks). They appear in verdicts, statuses, audits, metrics and `attestctl policy check`.
/// </summary>
public static class MeasuredBootReasons
{
    // Replay (before the rules).
    public const string EventLogMissing = "eventlog-missing";
    public const string EventLogMalformed = "eventlog-malformed";
    public const string EventLogMismatch = "eventlog-mismatch";
    public const string EventLogTooLarge = "eventlog-too-large";
    /// <summary>Not a verdict: the log bytes continue a log the verifier no longer holds (a reboot); it asks again from byte 0.</summary>
    public const string EventLogRestart = "eventlog-restart";

    // Rules.
    public const string SecureBootDisabled = "secureboot-disabled";
    public const string PkNotAllowed = "pk-not-allowed";
    public const string KekNotAllowed = "kek-not-allowed";
    public const string DbNotAllowed = "db-not-allowed";
    public const string DbxEntryMissing = "dbx-entry-missing";
    public const string BootApplicationNotAllowed = "boot-application-not-allowed";
    public const string KernelNotAllowed = "kernel-not-allowed";
    public const string InitrdNotAllowed = "initrd-not-allowed";
    public const string BootFileNotAllowed = "boot-file-not-allowed";
    public const string CmdlineNotAllowed = "cmdline-not-allowed";
    public const string SeparatorMissing = "separator-missing";
    public const string UnexpectedEventType = "unexpected-event-type";
}
