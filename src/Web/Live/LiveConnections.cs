using System.Collections.Concurrent;
using System.Security.Claims;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.SignalR;

namespace Matchmaker.Web.Live;

/// <summary>
/// The live connections open on this node, and the session each stands on. A socket outlives the request that opened
/// it, so every <see cref="Interval"/> the node asks the database, for all its sockets at once, whether their sessions
/// still count: a disabled user or a changed security stamp, an organisation session ended (a back-channel logout, the
/// provider's refusal), a revoked or expired API token, a demo caller once demo mode is off. Those sockets are closed;
/// the client's reconnect then meets the door as any new request does.
/// </summary>
public sealed class LiveConnections(LiveCallers callers, IConfiguration configuration, ILogger<LiveConnections> logger) : BackgroundService
{
    /// <summary>How often the open sockets are re-checked (<c>Live:RecheckSeconds</c>, default 30).</summary>
    public TimeSpan Interval { get; } = TimeSpan.FromSeconds(Math.Clamp(configuration.GetValue("Live:RecheckSeconds", 30), 1, 3600));

    private sealed record Open(HubCallerContext Context, bool IsApiClient, Guid Id, string? Stamp, string? OrganisationSession)
    {
        /// <summary>When its session was last found to count: at the door, then at every re-check that succeeded.</summary>
        public DateTime CheckedAt { get; set; } = DateTime.UtcNow;
    }

    private readonly ConcurrentDictionary<string, Open> _open = new(StringComparer.Ordinal);

    public void Opened(HubCallerContext context, Caller caller)
    {
        var properties = context.GetHttpContext()?.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Properties;
        var organisationSession = properties?.Items.TryGetValue(SessionCheck.OrganisationSessionItem, out var id) == true ? id : null;
        _open[context.ConnectionId] = new Open(context, caller.Kind == "api-client", caller.Id,
            context.User?.FindFirstValue(SessionCheck.StampClaim), organisationSession);
    }

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    /// <summary>Closes the sockets whose sessions no longer count; returns how many.</summary>
    public async Task<int> RecheckAsync(CancellationToken cancellationToken)
    {
        var open = _open.Values.ToList();
        if (open.Count == 0) return 0;
        var checkedAt = DateTime.UtcNow;
        var users = await callers.UsersStandingAsync([.. open.Where(o => !o.IsApiClient).Select(o => o.Id).Distinct()], cancellationToken);
        var clients = await callers.ApiClientsStandingAsync([.. open.Where(o => o.IsApiClient).Select(o => o.Id).Distinct()], cancellationToken);
        var sessions = await callers.OrganisationSessionsStandingAsync(
            [.. open.Select(o => o.OrganisationSession).OfType<string>().Distinct()], cancellationToken);
        var closed = 0;
        foreach (var connection in open)
        {
            var stands = connection.IsApiClient
                ? clients.Contains(connection.Id)
                : users.TryGetValue(connection.Id, out var stamp) && stamp == connection.Stamp
                  && (connection.OrganisationSession is null || sessions.Contains(connection.OrganisationSession));
            if (stands)
            {
                connection.CheckedAt = checkedAt;
                continue;
            }
            connection.Context.Abort();
            Closed(connection.Context.ConnectionId);
            closed++;
        }
        if (closed > 0) logger.LogInformation("Closed {Closed} live connection(s) whose session ended", closed);
        return closed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RecheckAsync(stoppingToken);
            }
            catch (Exception e) when ((e is InvalidOperationException || DatabaseFailure.IsPassing(e)) && !stoppingToken.IsCancellationRequested)
            {
                // A moment without the database: the sockets are checked again at the next tick. A socket whose session has
                // not been vouched for in two intervals is closed; reconnecting meets the door, as any new request does.
                var closed = CloseUncheckedSince(DateTime.UtcNow - 2 * Interval);
                if (closed == 0) logger.LogWarning(e, "Re-checking the live connections failed; trying again at the next tick");
                else logger.LogError(e, "Re-checking the live connections failed; closed {Count} whose sessions were not checked for {Seconds} s", closed, 2 * Interval.TotalSeconds);
            }
        }
    }

    private int CloseUncheckedSince(DateTime cutoff)
    {
        var stale = _open.Values.Where(connection => connection.CheckedAt < cutoff).ToList();
        foreach (var connection in stale)
        {
            connection.Context.Abort();
            Closed(connection.Context.ConnectionId);
        }
        return stale.Count;
    }
}
