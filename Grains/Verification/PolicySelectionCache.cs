using System.Collections.Concurrent;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Verification;

/// <summary>
/// Parsed PCR selections of policies (a handful of distinct strings per cluster), so a verdict does not parse its
/// policy's selection text again on every quote. Only our own policies' text goes in: an agent's text is compared with
/// it and parsed afresh when different, so outside input cannot grow the cache. Bounded anyway (cleared when full).
/// </summary>
internal static class PolicySelectionCache
{
    private const int MaxEntries = 256;
    private static readonly ConcurrentDictionary<string, Entry> Parsed = new(StringComparer.Ordinal);

    /// <summary>The parsed selection; throws as <see cref="PcrSelection.ParseText"/> does for bad text (nothing is cached then).</summary>
    public static Entry Get(string text)
    {
        if (Parsed.TryGetValue(text, out var entry))
            return entry;
        var selection = PcrSelection.ParseText(text);
        entry = new Entry(text, selection, selection.ToString());
        if (Parsed.Count >= MaxEntries)
            Parsed.Clear();
        Parsed[text] = entry;
        return entry;
    }

    /// <param name="Canonical">The selection as agents write it back (<see cref="PcrSelection.ToString"/>).</param>
    public sealed record Entry(string Text, PcrSelection Selection, string Canonical)
    {
        /// <summary>True when <paramref name="supplied"/> names this selection in either spelling.</summary>
        public bool IsSpelledBy(string? supplied) =>
            string.Equals(supplied, Text, StringComparison.Ordinal) || string.Equals(supplied, Canonical, StringComparison.Ordinal);
    }
}
