namespace Matchmaker.Silo.Data;

/// <summary>
/// One process at a time serves an embedded database: it holds <c>{file}.lock</c> exclusively while it runs (the
/// operating system lets go when the process ends, even after kill -9). A second Matchmaker on the same file, or a
/// restore while Matchmaker runs, is refused.
/// </summary>
public sealed class EmbeddedDatabaseLock : IDisposable
{
    private readonly FileStream _lock;

    private EmbeddedDatabaseLock(FileStream held) => _lock = held;

    /// <summary>Null when another process holds the file.</summary>
    public static EmbeddedDatabaseLock? TryAcquire(string databaseFile)
    {
        try
        {
            return new EmbeddedDatabaseLock(new FileStream(databaseFile + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _lock.Dispose();
}
