namespace OrleansAttest.Tpm.EventLog;

/// <summary>One EFI_PARTITION_ENTRY of a measured GPT.</summary>
public sealed record GptPartition(Guid PartitionTypeGuid, Guid UniquePartitionGuid, ulong StartingLba, ulong EndingLba, ulong Attributes, string Name);
