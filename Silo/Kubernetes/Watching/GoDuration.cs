using System.Globalization;

namespace OrleansAttest.Silo.Kubernetes.Watching;

/// <summary>
/// Go <c>time.ParseDuration</c> strings as the CRDs use them ("30s", "5m", "1h30m", "1.5s", "250ms"): a sequence of
/// decimal number + unit (ns, us, µs, ms, s, m, h), no sign. Anything else is refused with a sentence.
/// </summary>
public static class GoDuration
{
    /// <summary>Longer text is no duration anyone means ("2562047h47m16.854775807s" is Go's longest).</summary>
    public const int MaxLength = 64;

    public static bool TryParse(string? text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "the duration is empty";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"the duration is {text.Length} characters long; at most {MaxLength} are accepted";
            return false;
        }
        if (text == "0")
            return true;
        decimal totalTicks = 0;
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                i++;
            if (i == start || !decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"'{text}' is not a duration such as \"30s\", \"5m\" or \"1h30m\" (expected a number at position {start + 1})";
                return false;
            }
            int unitStart = i;
            while (i < text.Length && !char.IsAsciiDigit(text[i]) && text[i] != '.')
                i++;
            decimal ticksPerUnit = text[unitStart..i] switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                var unit => -1m,
            };
            if (ticksPerUnit < 0)
            {
                error = $"'{text}' has {(unitStart == i ? "a number without a unit" : $"the unknown unit '{text[unitStart..i]}'")}; use ms, s, m or h";
                return false;
            }
            // Checked before multiplying: decimal arithmetic throws on overflow.
            if (number > (TimeSpan.MaxValue.Ticks - totalTicks) / ticksPerUnit)
            {
                error = $"'{text}' is too long a duration";
                return false;
            }
            totalTicks += number * ticksPerUnit;
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                error = $"'{text}' is too long a duration";
                return false;
            }
        }
        value = TimeSpan.FromTicks((long)totalTicks);
        return true;
    }
}
