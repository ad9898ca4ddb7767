namespace OrleansAttest.Grains.Listing;

/// <summary>What a reported summary changed in a directory shard's entry, which decides how soon the shard writes.</summary>
internal enum DirectoryChange
{
    None,
    /// <summary>Only the times of the latest verdict and of the report: written within the quiet flush interval.</summary>
    Times,
    /// <summary>Phase, reason, policy, phase time or the latest verdict's result: written within the flush interval.</summary>
    Significant,
}
