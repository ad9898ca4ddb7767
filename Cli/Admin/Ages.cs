namespace OrleansAttest.Cli.Admin;

/// <summary>Durations as kubectl shows them: 45s, 12m, 3h, 5d.</summary>
public static class Ages
{
    public static string Since(DateTimeOffset? time, DateTimeOffset now) => time is { } t && t != default ? Format(now - t) : "-";

    public static string Format(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
            age = TimeSpan.Zero;
        return age.TotalSeconds < 120 ? $"{(int)age.TotalSeconds}s"
            : age.TotalMinutes < 120 ? $"{(int)age.TotalMinutes}m"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }
}
