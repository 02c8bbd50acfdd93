using System.Net.Sockets;
using Matchmaker.Silo.Demo;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Matchmaker.Silo.Data;

/// <summary>Start-up cannot go on; <see cref="Exception.Message"/> is one line naming the problem and what to do.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Demo mode: on by default for the embedded database, off by default for PostgreSQL. With it off, no demo
/// account or demo token is accepted. <c>Demo:Scale</c> = <c>national</c> (default) or <c>small</c> (for tests).
/// </summary>
public sealed record DemoOptions(bool Enabled, DemoScale Scale)
{
    public DemoOptions(bool enabled) : this(enabled, DemoScale.National)
    {
    }

    public static DemoOptions FromConfiguration(IConfiguration configuration, DatabaseProvider provider)
    {
        var scale = configuration["Demo:Scale"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "national" => DemoScale.National,
            "small" => DemoScale.Small,
            var other => throw new DatabaseConfigurationException($"Demo:Scale is '{other}'; it must be 'national' or 'small'."),
        };
        return new(configuration.GetValue<bool?>("Demo:Enabled") ?? provider == DatabaseProvider.Sqlite, scale);
    }
}

/// <summary>What every host does before it serves: reach the database, migrate it, seed the demo when empty.</summary>
public sealed class DatabaseStartup(Database database, DemoOptions demo) : IDisposable
{
    private EmbeddedDatabaseLock? _embeddedLock;

    public async Task PrepareAsync(Action<string> progress, CancellationToken cancellationToken = default)
    {
        if (database.SqliteFile is { } file && file != ":memory:" && _embeddedLock is null)
            _embeddedLock = EmbeddedDatabaseLock.TryAcquire(file)
                ?? throw new StartupException($"Another Matchmaker process is running on {database.Describe}; stop it first (one process per embedded database).");
        await RunAsync(async () =>
        {
            var applied = await new Migrator(database).MigrateAsync(cancellationToken);
            foreach (var migration in applied)
                progress($"Applied migration {migration.Name}");
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                // Write-ahead logging: readers never wait for the writer. It stays set in the file.
                await using var connection = await database.OpenAsync(cancellationToken);
                await Dapper.SqlMapper.ExecuteScalarAsync(connection, "PRAGMA journal_mode = WAL");
            }
            var seeder = new DemoSeeder(database);
            if (!demo.Enabled)
            {
                // Demo accounts must not exist in production: a cookie or token from demo times then stands for nobody.
                if (await seeder.RemoveDemoAccountsAsync(cancellationToken) is > 0 and var removed)
                    progress($"Demo mode is off: removed {removed} demo accounts and tokens.");
                return;
            }
            if (await seeder.HasDataAsync(cancellationToken))
            {
                if (await seeder.HasDemoAccountsAsync(cancellationToken))
                {
                    await seeder.RefreshDemoScopesAsync(cancellationToken);
                    return;
                }
                var accounts = DemoDataGenerator.Generate(DemoDataGenerator.DefaultSeed, DateOnly.FromDateTime(DateTime.UtcNow), demo.Scale);
                if (await seeder.RestoreDemoAccountsAsync(accounts, cancellationToken) is > 0 and var restored)
                    progress($"Demo mode is on again: restored {restored} demo accounts and tokens.");
                await seeder.RefreshDemoScopesAsync(cancellationToken);
                return;
            }
            progress("Seeding the demo market (first run)...");
            var data = DemoDataGenerator.Generate(DemoDataGenerator.DefaultSeed, DateOnly.FromDateTime(DateTime.UtcNow), demo.Scale);
            await seeder.SeedAsync(data, progress, cancellationToken);
        });
    }

    /// <summary>Runs database work and turns the known ways it fails into one clear line.</summary>
    public async Task RunAsync(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (MigrationException e)
        {
            throw new StartupException($"{database.Describe}: {e.Message}", e);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 26 or 11)
        {
            throw new StartupException($"{database.Describe} is not a valid SQLite database ({e.Message.TrimEnd('.')}). Move the file away to start with a fresh database, or restore a backup.", e);
        }
        catch (SqliteException e)
        {
            throw new StartupException($"{database.Describe} cannot be used: {e.Message}", e);
        }
        catch (NpgsqlException e) when (e.InnerException is SocketException or TimeoutException || e is { IsTransient: true })
        {
            throw new StartupException($"Cannot reach the {database.Describe} ({e.InnerException?.Message ?? e.Message}). Start the server or fix ConnectionStrings:Matchmaker.", e);
        }
        catch (PostgresException e)
        {
            throw new StartupException($"The {database.Describe} refused: {e.MessageText} ({e.SqlState}). Check the user, password and database in ConnectionStrings:Matchmaker.", e);
        }
        catch (NpgsqlException e)
        {
            throw new StartupException($"The {database.Describe} cannot be used: {e.Message}", e);
        }
    }

    public void Dispose() => _embeddedLock?.Dispose();
}
