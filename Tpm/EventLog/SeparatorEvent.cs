namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// EV_SEPARATOR: the end of pre-OS measurements into a PCR. The value is 0 normally; a non-zero value (1, or
/// 0xFFFFFFFF in older firmware) records that an error happened, and a policy should treat that as failure.
/// </summary>
public sealed record SeparatorEvent(uint Value) : EventDetail
{
    public bool IsError => Value != 0;

    public override string Summary => IsError ? $"separator (ERROR 0x{Value:x8})" : "separator";
}
