using System.Text.Json;
using Matchmaker.Silo.Market;
using Matchmaker.Silo.Requests;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Web.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;

namespace Matchmaker.Tests.Operations;

/// <summary>
/// Caseworkers' notices while the database cannot say whose children changed: under load a node queues thousands a
/// minute, and each once gave a warning of its own and a lookup at once. Now one warning per interval says how many
/// were not told, and the loop waits between lookups while the database fails.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class CaseworkerNoticeOutageTests
{
    [Fact]
    public async Task ManyNoticesDuringAnOutage_GiveOneWarning_AndTheLoopWaitsInsteadOfAskingForEach()
    {
        await using var database = await TestDatabase.CreateSeededAsync("sqlite");
        var clock = TimeProvider.System;
        var requests = new RequestReads(database.Database, new Journal(database.Database, clock), clock);
        var logger = new CountingLogger();
        var notices = new CaseworkersOfRequests(requests, new NoHub(), logger);
        // The request table gone: every lookup of a request's caseworker fails as in an outage.
        await database.ExecuteAsync("ALTER TABLE requests RENAME TO requests_away");
        notices.Connected();
        using var payload = JsonDocument.Parse("{}");
        for (var i = 0; i < 500; i++) notices.Enqueue("rijnmond", Guid.NewGuid(), isHold: true, payload.RootElement);

        await notices.StartAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await notices.StopAsync(CancellationToken.None);

        Assert.Equal(1, logger.Warnings);
        Assert.Equal(1, logger.LastCount);
        // One lookup a second while the database fails (the first at once): about three in 2.5 s, not 500.
        Assert.InRange(notices.NotTold, 2, 4);
    }

    private sealed class CountingLogger : ILogger<CaseworkersOfRequests>
    {
        public int Warnings;
        public long LastCount;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel != LogLevel.Warning) return;
            Interlocked.Increment(ref Warnings);
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "Count").Value is long count)
                LastCount = count;
        }
    }

    /// <summary>Never reached: no caseworker is found while the database fails.</summary>
    private sealed class NoHub : IHubContext<AvailabilityHub, IAvailabilityClient>
    {
        public IHubClients<IAvailabilityClient> Clients => throw new NotSupportedException();

        public IGroupManager Groups => throw new NotSupportedException();
    }
}
