using System.Collections.Concurrent;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Benchmarks.Simulation;

/// <summary>
/// Parsed PCR selections by their text, shared by every simulated device: a fleet quotes the few selections its
/// policies name, so each is parsed once. Bounded: past <see cref="Capacity"/> texts are parsed without caching.
/// </summary>
internal static class PcrSelectionCache
{
    public const int Capacity = 256;

    private static readonly ConcurrentDictionary<string, PcrSelection> Parsed = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">The text is not a PCR selection.</exception>
    public static PcrSelection Get(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Parsed.TryGetValue(text, out var selection))
            return selection;
        selection = PcrSelection.ParseText(text);
        if (Parsed.Count < Capacity)
            Parsed.TryAdd(text, selection);
        return selection;
    }
}
