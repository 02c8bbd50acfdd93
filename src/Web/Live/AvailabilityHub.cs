using System.Text.Json;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Api;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Matchmaker.Web.Live;

/// <summary>
/// What clients receive. The method names are the event names on the wire (availabilityChanged, ...), hence camelCase.
/// Each payload carries a version: a client keeps the highest version per offering, hold or request and drops older ones.
/// </summary>
#pragma warning disable IDE1006
public interface IAvailabilityClient
{
    Task availabilityChanged(JsonElement change);
    Task holdChanged(JsonElement change);
    Task proposalReceived(JsonElement proposal);
    Task requestChanged(JsonElement change);
    /// <summary>Sent to the caller alone once its groups are joined: load the snapshot after this, and no change falls between.</summary>
    Task subscribed();
}
#pragma warning restore IDE1006

/// <summary>
/// Live updates at /hubs/availability. Groups are chosen on the server from the caller's identity: a desk joins its
/// region and the desks' availability feed, a provider its own organisation, a caseworker a group of their own that
/// hears only about the children they filed. A client cannot join any other group.
/// </summary>
[Authorize(Policy = Policies.Live)]
public sealed class AvailabilityHub(CaseworkersOfRequests caseworkers, LiveConnections connections) : Hub<IAvailabilityClient>
{
    public const string Path = "/hubs/availability";
    public const string AllDesks = "desks";

    public static string RegionGroup(string regionCode) => $"region:{regionCode}";
    public static string ProviderGroup(Guid organisationId) => $"provider:{organisationId}";
    public static string CaseworkerGroup(Guid userId) => $"caseworker:{userId}";

    public override async Task OnConnectedAsync()
    {
        var caller = Caller.From(Context.User!);
        if (caller is not null) connections.Opened(Context, caller);
        if (caller?.Role == Roles.Desk && caller.RegionCode is not null)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, RegionGroup(caller.RegionCode));
            await Groups.AddToGroupAsync(Context.ConnectionId, AllDesks);
        }
        else if (caller?.Role == Roles.Provider && caller.OrganisationId is not null)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, ProviderGroup(caller.OrganisationId.Value));
        }
        else if (caller?.Role == Roles.Caseworker)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, CaseworkerGroup(caller.Id));
            caseworkers.Connected();
        }
        await base.OnConnectedAsync();
        // The handshake completes before this method runs, so a client's start alone does not mean it hears its groups yet.
        await Clients.Caller.subscribed();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Closed(Context.ConnectionId);
        if (Caller.From(Context.User!)?.Role == Roles.Caseworker) caseworkers.Disconnected();
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>Delivers the live changes this node receives to the clients connected to this node.</summary>
public sealed class HubEventSink(IHubContext<AvailabilityHub, IAvailabilityClient> hub, CaseworkersOfRequests caseworkers) : IMarketEventSink
{
    public Task DeliverAsync(MarketChange entry, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(entry.Payload);
        var payload = document.RootElement.Clone();
        var provider = entry.ProviderId is { } id ? hub.Clients.Group(AvailabilityHub.ProviderGroup(id)) : null;
        var region = entry.RegionCode is { } code ? hub.Clients.Group(AvailabilityHub.RegionGroup(code)) : null;
        // The caseworker who filed the child hears what happens to it (and only to it).
        if (entry.Topic is MarketEvent.HoldChanged or MarketEvent.RequestChanged && entry.RegionCode is { } regionCode
            && payload.TryGetProperty("requestId", out var requestId) && requestId.TryGetGuid(out var request))
            caseworkers.Enqueue(regionCode, request, entry.Topic == MarketEvent.HoldChanged, payload);
        return entry.Topic switch
        {
            MarketEvent.AvailabilityChanged => Task.WhenAll(hub.Clients.Group(AvailabilityHub.AllDesks).availabilityChanged(payload),
                provider?.availabilityChanged(payload) ?? Task.CompletedTask),
            MarketEvent.HoldChanged => Task.WhenAll(region?.holdChanged(payload) ?? Task.CompletedTask,
                provider?.holdChanged(EventScope.DataFor(entry.Payload, isProvider: true)) ?? Task.CompletedTask),
            MarketEvent.ProposalReceived => provider?.proposalReceived(payload) ?? Task.CompletedTask,
            MarketEvent.RequestChanged => region?.requestChanged(payload) ?? Task.CompletedTask,
            _ => Task.CompletedTask,
        };
    }
}

public static class LiveExtensions
{
    /// <summary>
    /// WebSockets only: a connection token then opens exactly one transport, under the identity of the request that opens
    /// it. (Long polling would let a second identity poll on an established connection and receive its groups' events.)
    /// </summary>
    /// <remarks>Systems connect with a bearer token that has <c>events:read</c>: what the hub pushes is the event feed's data.</remarks>
    public static void MapMatchmakerLiveUpdates(this WebApplication app) =>
        app.MapHub<AvailabilityHub>(AvailabilityHub.Path, options => options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets)
            .RequireScope(Scopes.EventsRead);

    public static IServiceCollection AddMatchmakerLiveUpdates(this IServiceCollection services)
    {
        services.AddSignalR();
        services.AddSingleton<CaseworkersOfRequests>();
        services.AddHostedService(provider => provider.GetRequiredService<CaseworkersOfRequests>());
        services.AddSingleton<LiveConnections>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveConnections>());
        services.AddSingleton<IMarketEventSink, HubEventSink>();
        // This node receives every committed change through its observer, and catches up what a push missed.
        services.AddSingleton<LiveFeedForwarder>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveFeedForwarder>());
        return services;
    }
}
