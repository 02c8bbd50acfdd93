using System.Collections.Concurrent;
using Matchmaker.Silo.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Matchmaker.Silo.Access;

/// <summary>
/// Known API tokens answered from memory on PostgreSQL, where each lookup is a round trip (issue 23: two of a hold
/// cycle's). Only while this node listens to <c>matchmaker_api_clients</c>: a trigger on <c>api_clients</c> (migration
/// 0027) notifies every node of every UPDATE or DELETE there (a revocation by the admin CLI, an expiry moved, demo tokens
/// removed, an operator's own SQL), and each node forgets everything it remembered the moment it hears it. Not
/// listening (SQLite, where a lookup costs no round trip; the listener's connection lost): nothing is remembered.
/// A token is remembered at most <see cref="RememberedFor"/> in any case, and only a token the database knew:
/// unknown ones are asked every time (and throttled by address).
/// </summary>
public sealed class ApiTokenMemory(Database database, TimeProvider clock, ILogger<ApiTokenMemory> logger) : BackgroundService
{
    public const string Channel = "matchmaker_api_clients";
    public static readonly TimeSpan RememberedFor = TimeSpan.FromMinutes(1);
    private const int MostRemembered = 10_000;

    private readonly ConcurrentDictionary<string, (ApiClients.ApiClient Client, DateTimeOffset Until)> _known = new(StringComparer.Ordinal);
    private long _generation;
    private volatile bool _listening;

    /// <summary>How many tokens this node remembers now.</summary>
    public int Remembered => _known.Count;

    /// <summary>Whether this node hears changes of api_clients now (and so may answer from memory).</summary>
    public bool Listening => _listening;

    /// <summary>The moment a lookup starts: a lookup that began before a change may not be remembered after it.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public ApiClients.ApiClient? Recall(string hash) =>
        _listening && _known.TryGetValue(hash, out var known) && known.Until > clock.GetUtcNow() ? known.Client : null;

    public void Remember(string hash, ApiClients.ApiClient client, long generation)
    {
        if (!_listening) return;
        if (_known.Count >= MostRemembered) _known.Clear();
        _known[hash] = (client, clock.GetUtcNow() + RememberedFor);
        // A change arrived while the database was asked: what it answered may be from before the change.
        if (Generation != generation) _known.TryRemove(hash, out _);
    }

    private void ForgetAll()
    {
        Interlocked.Increment(ref _generation);
        _known.Clear();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenListenerAsync(stoppingToken);
                if (connection is null) return;
                connection.Notification += (_, _) => ForgetAll();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                ForgetAll();
                _listening = true;
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Not listening to changes of API tokens; every token is looked up until it listens again");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            finally
            {
                _listening = false;
                ForgetAll();
            }
            if (!stoppingToken.IsCancellationRequested) await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { });
        }
    }
}
