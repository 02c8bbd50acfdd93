using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Matchmaker.Silo.Data;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>
/// The one connection factory of the process. SQLite (embedded default) or PostgreSQL (server),
/// chosen by <c>Database:Provider</c>; every unit of work opens its own connection from here.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    public const string DefaultSqliteConnectionString = "Data Source=data/matchmaker.db";

    private readonly PostgresPools? _postgres;
    private readonly string? _postgresConnectionString;
    private readonly string? _sqliteConnectionString;
    private readonly SemaphoreSlim _sqliteWriters = new(1, 1);
    private SqliteConnection? _sqliteWriter;

    public DatabaseProvider Provider { get; }

    /// <summary>Where the data lives, without secrets: the SQLite file or the PostgreSQL host and database.</summary>
    public string Describe { get; }

    /// <summary>The embedded database's file (full path), or null for PostgreSQL.</summary>
    public string? SqliteFile => _sqliteConnectionString is null ? null : new SqliteConnectionStringBuilder(_sqliteConnectionString).DataSource;

    static Database() => DapperTypeHandlers.Register();

    private Database(DatabaseProvider provider, PostgresPools? postgres, string? sqlite, string describe, string? postgresConnectionString = null)
    {
        Provider = provider;
        _postgres = postgres;
        _postgresConnectionString = postgresConnectionString;
        _sqliteConnectionString = sqlite;
        Describe = describe;
    }

    public static Database FromConfiguration(IConfiguration configuration)
    {
        var providerName = configuration["Database:Provider"] ?? "sqlite";
        var connectionString = configuration.GetConnectionString("Matchmaker");
        return providerName.Trim().ToLowerInvariant() switch
        {
            "sqlite" => ForSqlite(string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString),
            "postgres" or "postgresql" => ForPostgres(connectionString
                ?? throw new DatabaseConfigurationException(
                    "Database:Provider is 'postgres' but ConnectionStrings:Matchmaker is not set. Set it, e.g. ConnectionStrings__Matchmaker='Host=127.0.0.1;Port=5432;Database=matchmaker;Username=matchmaker;Password=...'."),
                WarmConnections(configuration["Database:WarmConnections"])),
            _ => throw new DatabaseConfigurationException(
                $"Database:Provider is '{providerName}'; it must be 'sqlite' or 'postgres'."),
        };
    }

    /// <summary><c>Database:WarmConnections</c>: a whole number from 1; default <see cref="PostgresPools.DefaultWarmConnections"/>.</summary>
    private static int WarmConnections(string? setting) =>
        string.IsNullOrWhiteSpace(setting) ? PostgresPools.DefaultWarmConnections
        : int.TryParse(setting, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var warm) && warm >= 1 ? warm
        : throw new DatabaseConfigurationException($"Database:WarmConnections is '{setting}'; it must be a whole number from 1 (default {PostgresPools.DefaultWarmConnections}).");

    public static Database ForSqlite(string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new DatabaseConfigurationException($"The SQLite connection string is invalid: {e.Message}");
        }
        builder.ForeignKeys = true;
        builder.DefaultTimeout = 30;
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && !builder.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            var fullPath = Path.GetFullPath(file);
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            builder.DataSource = fullPath;
        }
        return new Database(DatabaseProvider.Sqlite, null, builder.ToString(), $"SQLite file {builder.DataSource}");
    }

    public static Database ForPostgres(string connectionString, int warmConnections = PostgresPools.DefaultWarmConnections)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new DatabaseConfigurationException($"ConnectionStrings:Matchmaker is not a valid PostgreSQL connection string: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
            throw new DatabaseConfigurationException("ConnectionStrings:Matchmaker names no Host for PostgreSQL.");
        if (builder.MaxPoolSize < 1 || builder.MinPoolSize > builder.MaxPoolSize)
            throw new DatabaseConfigurationException(
                $"ConnectionStrings:Matchmaker has Maximum Pool Size {builder.MaxPoolSize} and Minimum Pool Size {builder.MinPoolSize}; the maximum must be at least 1 and at least the minimum.");
        // The same few statements run again and again: prepared once per connection, PostgreSQL skips parsing and planning.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        // A connection back in the pool is otherwise reset with seven statements (RESET ALL, DISCARD SEQUENCES, UNLISTEN …)
        // sent with its next command, six times per hold-and-decline cycle; Matchmaker changes no session state (no SET,
        // LISTEN or temporary table; the migration lock is released by hand), so there is nothing to reset.
        builder.NoResetOnClose = true;
        return new Database(DatabaseProvider.Postgres, new PostgresPools(builder, warmConnections), null,
            $"PostgreSQL database '{builder.Database ?? builder.Username}' at {builder.Host}:{builder.Port}", builder.ConnectionString);
    }

    /// <summary>
    /// A PostgreSQL connection of its own, outside the pool, to LISTEN on (it stays open as long as its owner listens;
    /// keep-alives notice a connection that died quietly); null on SQLite, which has no notifications.
    /// </summary>
    public async Task<NpgsqlConnection?> OpenListenerAsync(CancellationToken cancellationToken)
    {
        if (_postgresConnectionString is null) return null;
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_postgresConnectionString) { Pooling = false, KeepAlive = 5 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
            return await _postgres.OpenAsync(cancellationToken);

        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Begins a transaction that will write. On SQLite (one process owns the file) writers first queue here, without
    /// blocking a thread, until the previous writer's connection closes; then <c>BEGIN IMMEDIATE</c> takes the file's
    /// write lock. SQLite's own busy handler would otherwise sleep and retry, and many writers at once would collapse
    /// into waits of seconds. Never begin a second write while holding one.
    /// </summary>
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        if (connection is not SqliteConnection sqlite)
            return await connection.BeginTransactionAsync(cancellationToken);
        if (!ReferenceEquals(Volatile.Read(ref _sqliteWriter), sqlite))
        {
            await _sqliteWriters.WaitAsync(cancellationToken);
            Volatile.Write(ref _sqliteWriter, sqlite);
            sqlite.StateChange += ReleaseWriterOnClose;
        }
        try
        {
            return sqlite.BeginTransaction(deferred: false);
        }
        catch
        {
            await sqlite.CloseAsync();
            throw;
        }
    }

    /// <summary>
    /// Begins a transaction that only reads, and reads every table as it stood at one moment: PostgreSQL's repeatable read;
    /// on SQLite a deferred transaction, whose first read fixes what the write-ahead log lets it see.
    /// </summary>
    public async Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: true)
            : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>The writer's turn lasts until its connection closes (it may run several transactions one after another).</summary>
    private void ReleaseWriterOnClose(object? sender, StateChangeEventArgs change)
    {
        if (change.CurrentState != ConnectionState.Closed || sender is not SqliteConnection sqlite) return;
        sqlite.StateChange -= ReleaseWriterOnClose;
        if (Interlocked.CompareExchange(ref _sqliteWriter, null, sqlite) == sqlite)
            _sqliteWriters.Release();
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
    }
}

/// <summary>The database settings are wrong; the message says which and what to do.</summary>
public sealed class DatabaseConfigurationException(string message) : Exception(message);
