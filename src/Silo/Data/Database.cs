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

    private readonly NpgsqlDataSource? _postgres;
    private readonly NpgsqlDataSource? _postgresUnpooled;
    private readonly string? _sqliteConnectionString;

    public DatabaseProvider Provider { get; }

    /// <summary>Where the data lives, without secrets: the SQLite file or the PostgreSQL host and database.</summary>
    public string Describe { get; }

    static Database() => DapperTypeHandlers.Register();

    private Database(DatabaseProvider provider, NpgsqlDataSource? postgres, NpgsqlDataSource? postgresUnpooled, string? sqlite, string describe)
    {
        Provider = provider;
        _postgres = postgres;
        _postgresUnpooled = postgresUnpooled;
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
                    "Database:Provider is 'postgres' but ConnectionStrings:Matchmaker is not set. Set it, e.g. ConnectionStrings__Matchmaker='Host=127.0.0.1;Port=5432;Database=matchmaker;Username=matchmaker;Password=...'.")),
            _ => throw new DatabaseConfigurationException(
                $"Database:Provider is '{providerName}'; it must be 'sqlite' or 'postgres'."),
        };
    }

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
        return new Database(DatabaseProvider.Sqlite, null, null, builder.ToString(), $"SQLite file {builder.DataSource}");
    }

    public static Database ForPostgres(string connectionString)
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
        var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        var unpooled = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false }.ConnectionString).Build();
        return new Database(DatabaseProvider.Postgres, dataSource, unpooled, null,
            $"PostgreSQL database '{builder.Database ?? builder.Username}' at {builder.Host}:{builder.Port}");
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
            return await _postgres.OpenConnectionAsync(cancellationToken);

        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// A connection of its own, outside the pool, for session state that must end with it: advisory locks
    /// (region leases) and LISTEN. Closing it ends the PostgreSQL session at once.
    /// </summary>
    public async Task<DbConnection> OpenDedicatedAsync(CancellationToken cancellationToken = default) =>
        _postgresUnpooled is not null ? await _postgresUnpooled.OpenConnectionAsync(cancellationToken) : await OpenAsync(cancellationToken);

    /// <summary>
    /// Begins a transaction that will write. On SQLite this is <c>BEGIN IMMEDIATE</c>, which takes the
    /// write lock up front, so two writers queue instead of failing half-way with SQLITE_BUSY.
    /// </summary>
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default) =>
        connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_postgresUnpooled is not null) await _postgresUnpooled.DisposeAsync();
    }
}

/// <summary>The database settings are wrong; the message says which and what to do.</summary>
public sealed class DatabaseConfigurationException(string message) : Exception(message);
