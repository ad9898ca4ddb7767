namespace OrleansAttest.Silo.Storage;

/// <summary>
/// Hands Garnet the host's loggers under categories prefixed "Garnet." (Garnet's own names are generic: "Options",
/// "ArgParser"), so one "Garnet" entry in the Logging configuration sets its level. Does not own the host's factory.
/// </summary>
internal sealed class GarnetLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public const string CategoryPrefix = "Garnet.";

    public ILogger CreateLogger(string categoryName) => inner.CreateLogger(CategoryPrefix + categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }
}
