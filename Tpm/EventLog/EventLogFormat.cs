namespace OrleansAttest.Tpm.EventLog;

/// <summary>The two layouts of a TCG PC Client event log.</summary>
public enum EventLogFormat
{
    /// <summary>TPM 1.2 style: every event is a TCG_PCR_EVENT with one SHA-1 digest.</summary>
    LegacySha1,

    /// <summary>TPM 2.0 style: a Spec ID Event03 header, then TCG_PCR_EVENT2 events with one digest per bank.</summary>
    CryptoAgile,
}
