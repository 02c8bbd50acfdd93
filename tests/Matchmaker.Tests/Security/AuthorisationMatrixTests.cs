using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Xunit.Abstractions;
using Desk = Matchmaker.Web.Pages.Desk;
using Provider = Matchmaker.Web.Pages.Provider;

namespace Matchmaker.Tests.Security;

/// <summary>
/// Who may knock on which door. The two tables below are the specification: every operation of the OpenAPI document
/// and every page handler, with the roles allowed and what an allowed role of another region (or another provider)
/// gets. Every role (and anonymous) tries every door, in the scenario's region and the other one:
/// anonymous gets 401 (API) or the sign-in page, a role not allowed 403 (API) or the no-access page, another tenant
/// what the table says, an allowed role anything but a refusal or a 5xx.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed partial class AuthorisationMatrixTests(ITestOutputHelper output, SharedMarket markets)
{
    private const string AnyRole = "*";
    private const string Anyone = "anyone";
    // The second step of signing in: open to anyone with a pending sign-in (the right password minutes ago); without one,
    // every role and anonymous is sent to the sign-in page.
    private const string PendingSignIn = "pending-sign-in";
    private const string DeskOrProvider = "desk provider";
    // An identity provider's back-channel logout: no session and no role opens it, only a logout token signed by a
    // configured provider. The matrix's market configures none, so every caller gets 404 whatever their session; with a
    // provider, OrganisationSessionTests try what a hostile caller sends.
    private const string SignedByIdentityProvider = "signed-by-identity-provider";
    // A door for systems only: no person's role opens it (every signed-in person gets 403).
    private const string SystemsOnly = "systems-only";

    /// <summary>An API operation: its OpenAPI template, the roles allowed, and whether another tenant gets 404.</summary>
    /// <summary><paramref name="OwnedBy"/>: when the thing belongs to one of the allowed roles, the others get 404.</summary>
    public sealed record ApiDoor(string Method, string Template, string Allowed, bool OtherTenantNotFound, Func<Doors, Task<string>> Path,
        Func<Doors, Task<object>>? Body = null, string? OwnedBy = null);

    /// <summary>A page handler (or operator endpoint): the roles allowed and what an allowed role of another tenant gets.</summary>
    public sealed record PageDoor(Type? Model, string Verb, string? Handler, string Allowed, int? OtherTenantStatus, Func<Doors, Task<string>> Path,
        Func<Doors, Task<Dictionary<string, string>>>? Form = null);

    private const string R = "/api/v1/regions/" + MarketScenario.Region;
    private const string OtherNetworkRegion = "groningen";

    public static readonly IReadOnlyList<ApiDoor> Api =
    [
        new("GET", "/openapi.json", Anyone, false, _ => Task.FromResult("/api/v1/openapi.json")),
        new("GET", "/me", AnyRole, false, _ => Task.FromResult("/api/v1/me")),
        new("GET", "/regions/{regionCode}/availability", "desk", true, _ => Task.FromResult($"{R}/availability")),
        new("GET", "/offerings", "provider", false, _ => Task.FromResult("/api/v1/offerings")),
        new("PUT", "/offerings/{offeringId}/capacity", "provider", true, d => Task.FromResult($"/api/v1/offerings/{d.Offering}/capacity"), d => d.SameCapacityAsync()),
        new("POST", "/offerings/{offeringId}/confirm", "provider", true, d => Task.FromResult($"/api/v1/offerings/{d.Offering}/confirm")),
        // The feed names offerings in its body: another provider's rows are refused one by one (the call itself answers 200).
        new("PUT", "/providers/me/capacity", "provider", false, _ => Task.FromResult("/api/v1/providers/me/capacity"), d => d.SameCapacityFeedAsync()),
        new("POST", "/regions/{regionCode}/requests", "desk", true, _ => Task.FromResult($"{R}/requests"), d => Task.FromResult(d.NewChild())),
        new("GET", "/regions/{regionCode}/requests", "desk", true, _ => Task.FromResult($"{R}/requests")),
        new("GET", "/regions/{regionCode}/requests/{requestId}", "desk", true, async d => $"{R}/requests/{await d.NewRequestAsync()}"),
        new("PATCH", "/regions/{regionCode}/requests/{requestId}", "desk", true, async d => $"{R}/requests/{await d.NewRequestAsync()}",
            _ => Task.FromResult<object>(new { urgency = "crisis" })),
        new("DELETE", "/regions/{regionCode}/requests/{requestId}", "desk", true, async d => $"{R}/requests/{await d.NewRequestAsync()}"),
        new("GET", "/regions/{regionCode}/requests/{requestId}/timeline", "desk", true, async d => $"{R}/requests/{await d.NewRequestAsync()}/timeline"),
        new("POST", "/regions/{regionCode}/requests/{requestId}/escalation", "desk", true, async d => $"{R}/requests/{await d.NewRequestAsync()}/escalation",
            _ => Task.FromResult<object>(new { reason = "Geen passende plek in de regio" })),
        // The caseworker's follow-up: only the caseworker who filed the child; for anyone else it does not exist.
        new("GET", "/caseworkers/me/requests/{requestId}", "caseworker", true, async d => $"/api/v1/caseworkers/me/requests/{await d.NewCaseworkersChildAsync()}"),
        new("POST", "/caseworkers/me/requests/{requestId}/information", "caseworker", true,
            async d => $"/api/v1/caseworkers/me/requests/{await d.NewCaseworkersChildAsync()}/information",
            _ => Task.FromResult<object>(new { text = "De school is gewisseld" })),
        new("PUT", "/caseworkers/me/requests/{requestId}/urgency", "caseworker", true,
            async d => $"/api/v1/caseworkers/me/requests/{await d.NewCaseworkersChildAsync()}/urgency",
            _ => Task.FromResult<object>(new { urgency = "crisis", reason = "Thuis onveilig", version = 1 })),
        new("POST", "/caseworkers/me/requests/{requestId}/withdrawal", "caseworker", true,
            async d => $"/api/v1/caseworkers/me/requests/{await d.NewCaseworkersChildAsync()}/withdrawal",
            _ => Task.FromResult<object>(new { reason = "duplicate" })),
        new("POST", "/regions/{regionCode}/sibling-groups/{siblingGroup}/split", "desk", true,
            async d => $"{R}/sibling-groups/{(await d.NewSiblingGroupAsync()).Group}/split", _ => Task.FromResult<object>(new { reason = "Samen wachten duurt te lang" })),
        new("POST", "/regions/{regionCode}/matching-rounds", "desk", true, _ => Task.FromResult($"{R}/matching-rounds")),
        new("GET", "/regions/{regionCode}/matching-rounds/{roundId}", "desk", true, async d => $"{R}/matching-rounds/{await d.RoundAsync()}"),
        new("POST", "/offerings/{offeringId}/holds", "desk", true, d => Task.FromResult($"/api/v1/offerings/{d.Offering}/holds"),
            async d => new { requestId = await d.NewRequestAsync() }),
        new("POST", "/holds/{holdId}/accept", "provider", true, async d => $"/api/v1/holds/{await d.NewHoldAsync()}/accept",
            _ => Task.FromResult<object>(new { startDate = MarketScenario.InDays(3) })),
        new("POST", "/holds/{holdId}/decline", "provider", true, async d => $"/api/v1/holds/{await d.NewHoldAsync()}/decline",
            _ => Task.FromResult<object>(new { reason = "safety" })),
        new("GET", "/holds", DeskOrProvider, false, _ => Task.FromResult("/api/v1/holds")),
        new("GET", "/holds/{holdId}", DeskOrProvider, true, async d => $"/api/v1/holds/{await d.NewHoldAsync()}"),
        new("GET", "/placements/{placementId}", DeskOrProvider, true, async d => $"/api/v1/placements/{await d.NewPlacementAsync()}"),
        new("GET", "/events", DeskOrProvider, false, _ => Task.FromResult("/api/v1/events?after=0")),
        new("POST", "/webhooks", DeskOrProvider, false, _ => Task.FromResult("/api/v1/webhooks"),
            _ => Task.FromResult<object>(new { url = "https://hooks.example/matchmaker" })),
        new("GET", "/webhooks", DeskOrProvider, false, _ => Task.FromResult("/api/v1/webhooks")),
        new("GET", "/webhooks/{webhookId}", DeskOrProvider, true, async d => $"/api/v1/webhooks/{await d.NewWebhookAsync()}", OwnedBy: "desk"),
        new("PATCH", "/webhooks/{webhookId}", DeskOrProvider, true, async d => $"/api/v1/webhooks/{await d.NewWebhookAsync()}",
            _ => Task.FromResult<object>(new { status = "paused" }), OwnedBy: "desk"),
        new("DELETE", "/webhooks/{webhookId}", DeskOrProvider, true, async d => $"/api/v1/webhooks/{await d.NewWebhookAsync()}", OwnedBy: "desk"),
        new("POST", "/placements/{placementId}/end", DeskOrProvider, true, async d => $"/api/v1/placements/{await d.NewPlacementAsync()}/end",
            _ => Task.FromResult<object>(new { endDate = MarketScenario.InDays(5), reason = "move" })),
        // The audit log opens to a desk's token issued with audit:read (ScopeTests), never to a person's session.
        new("GET", "/regions/{regionCode}/audit", SystemsOnly, true, _ => Task.FromResult($"{R}/audit")),
        new("GET", "/regions/{regionCode}/audit/export", SystemsOnly, true, _ => Task.FromResult($"{R}/audit/export?from={MarketScenario.InDays(-7)}&to={MarketScenario.InDays(0)}")),
        new("GET", "/figures/regions/{regionCode}/shortage", "municipality", true, _ => Task.FromResult($"/api/v1/figures/regions/{MarketScenario.Region}/shortage")),
        new("GET", "/figures/regions/{regionCode}/shortage/export", "municipality", true,
            _ => Task.FromResult($"/api/v1/figures/regions/{MarketScenario.Region}/shortage/export?table=wachtend")),
        new("GET", "/figures/national", "national", false, _ => Task.FromResult("/api/v1/figures/national")),
        new("GET", "/figures/national/export", "national", false, _ => Task.FromResult("/api/v1/figures/national/export?careType=gezinshuis")),
    ];

    // The live hub is not in the OpenAPI document; it is a door all the same.
    // Caseworkers hear only about the children they filed (LiveHubTests).
    private static readonly ApiDoor Hub = new("POST", "/hubs/availability/negotiate", "desk provider caseworker", false,
        _ => Task.FromResult("/hubs/availability/negotiate?negotiateVersion=1"));

    public static readonly IReadOnlyList<PageDoor> Pages =
    [
        new(null, "GET", null, Anyone, null, _ => Task.FromResult("/")),
        new(typeof(Web.Pages.StatusModel), "GET", null, Anyone, null, _ => Task.FromResult("/status/400")),
        new(typeof(Web.Pages.StatusModel), "POST", null, Anyone, null, _ => Task.FromResult("/status/400")),
        new(typeof(Web.Pages.Account.SignInModel), "GET", null, Anyone, null, _ => Task.FromResult("/account/sign-in")),
        new(typeof(Web.Pages.Account.SignInModel), "POST", "Password", Anyone, null, _ => Task.FromResult("/account/sign-in?handler=Password"),
            _ => Task.FromResult(new Dictionary<string, string> { ["Input.Email"] = "niemand@example.nl", ["Input.Password"] = "fout" })),
        new(typeof(Web.Pages.Account.SignInModel), "POST", "Demo", Anyone, null, _ => Task.FromResult("/account/sign-in?handler=Demo"),
            _ => Task.FromResult(new Dictionary<string, string> { ["region"] = "atlantis", ["role"] = "desk" })),
        new(typeof(Web.Pages.Account.CodeModel), "GET", null, PendingSignIn, null, _ => Task.FromResult("/account/code")),
        new(typeof(Web.Pages.Account.CodeModel), "POST", null, PendingSignIn, null, _ => Task.FromResult("/account/code"),
            _ => Task.FromResult(new Dictionary<string, string> { ["Code"] = "123456" })),
        new(typeof(Web.Pages.Account.CodeModel), "POST", "Passkey", PendingSignIn, null, _ => Task.FromResult("/account/code?handler=Passkey"),
            _ => Task.FromResult(new Dictionary<string, string> { ["PasskeyChallengeId"] = Guid.NewGuid().ToString(), ["PasskeyAnswer"] = "{}" })),
        new(typeof(Web.Pages.Account.EnrolModel), "GET", null, PendingSignIn, null, _ => Task.FromResult("/account/enrol")),
        new(typeof(Web.Pages.Account.EnrolModel), "POST", null, PendingSignIn, null, _ => Task.FromResult("/account/enrol"),
            _ => Task.FromResult(new Dictionary<string, string> { ["Code"] = "123456" })),
        new(typeof(Web.Pages.Account.EnrolModel), "POST", "Passkey", PendingSignIn, null, _ => Task.FromResult("/account/enrol?handler=Passkey"),
            _ => Task.FromResult(new Dictionary<string, string> { ["PasskeyChallengeId"] = Guid.NewGuid().ToString(), ["PasskeyAnswer"] = "{}" })),
        new(typeof(Desk.IndexModel), "GET", null, "desk", null, _ => Task.FromResult("/tafel")),
        new(typeof(Desk.AvailabilityModel), "GET", null, "desk", null, _ => Task.FromResult("/tafel/beschikbaarheid")),
        new(typeof(Desk.MatchingModel), "GET", null, "desk", null, _ => Task.FromResult("/tafel/matching")),
        new(typeof(Desk.HoldsModel), "GET", null, "desk", null, _ => Task.FromResult("/tafel/reserveringen")),
        new(typeof(Desk.MatchingModel), "POST", "Run", "desk", null, _ => Task.FromResult("/tafel/matching?handler=Run")),
        new(typeof(Desk.MatchingModel), "POST", "Check", "desk", null, _ => Task.FromResult("/tafel/matching?handler=Check"),
            _ => Task.FromResult(new Dictionary<string, string> { ["all"] = "true" })),
        // Another region's child cannot be held: the page answers with the refusal beside the choice.
        new(typeof(Desk.MatchingModel), "POST", "Hold", "desk", 200, _ => Task.FromResult("/tafel/matching?handler=Hold"),
            async d => new Dictionary<string, string> { ["selected"] = $"{await d.NewRequestAsync()}:{d.Offering}" }),
        new(typeof(Desk.RequestModel), "GET", null, "desk", 404, async d => $"/tafel/aanvraag/{await d.NewRequestAsync()}"),
        new(typeof(Desk.RequestModel), "POST", null, "desk", null, _ => Task.FromResult("/tafel/aanvraag"),
            _ => Task.FromResult(new Dictionary<string, string> { ["Form.CaseReference"] = "" })),
        new(typeof(Desk.DossierModel), "GET", null, "desk", 404, async d => $"/tafel/kind/{await d.NewRequestAsync()}"),
        new(typeof(Desk.DossierModel), "GET", "Search", "desk", 404, async d => $"/tafel/kind/{await d.NewRequestAsync()}?handler=Search"),
        // Another region's child: "not found", and nothing is held.
        new(typeof(Desk.DossierModel), "POST", "Hold", "desk", 404, async d => $"/tafel/kind/{await d.NewRequestAsync()}?handler=Hold",
            d => Task.FromResult(new Dictionary<string, string> { ["OfferingId"] = d.Offering.ToString() })),
        // A swap names a hold of the child: another region's desk finds neither; an unknown swap is told on the page.
        new(typeof(Desk.DossierModel), "POST", "SwapCheck", "desk", 404, async d => $"/tafel/kind/{await d.NewRequestAsync()}?handler=SwapCheck",
            d => Task.FromResult(new Dictionary<string, string> { ["SwapHoldId"] = Guid.NewGuid().ToString(), ["OfferingId"] = d.Offering.ToString() })),
        new(typeof(Desk.DossierModel), "POST", "Swap", "desk", 404, async d => $"/tafel/kind/{await d.NewRequestAsync()}?handler=Swap",
            d => Task.FromResult(new Dictionary<string, string> { ["SwapHoldId"] = Guid.NewGuid().ToString(), ["OfferingId"] = d.Offering.ToString(), ["SwapConfirmed"] = "true" })),
        new(typeof(Desk.DossierModel), "POST", "SplitSiblings", "desk", 404, async d => $"/tafel/kind/{(await d.NewSiblingGroupAsync()).First}?handler=SplitSiblings",
            _ => Task.FromResult(new Dictionary<string, string> { ["SplitReason"] = "Samen wachten duurt te lang", ["SplitConfirmed"] = "true" })),
        new(typeof(Desk.DossierModel), "POST", "Withdraw", "desk", 404, async d => $"/tafel/kind/{await d.NewRequestAsync()}?handler=Withdraw",
            _ => Task.FromResult(new Dictionary<string, string> { ["WithdrawReason"] = "duplicate", ["WithdrawConfirmed"] = "true" })),
        new(typeof(Desk.DossierModel), "POST", "Escalate", "desk", 404, async d => $"/tafel/kind/{await d.NewRequestAsync()}?handler=Escalate",
            _ => Task.FromResult(new Dictionary<string, string> { ["EscalationReason"] = "Geen passende plek in de regio", ["EscalationConfirmed"] = "true" })),
        new(typeof(Web.Pages.Caseworker.IndexModel), "GET", null, "caseworker", null, _ => Task.FromResult("/jeugdbeschermer")),
        new(typeof(Web.Pages.Caseworker.RequestModel), "GET", null, "caseworker", null, _ => Task.FromResult("/jeugdbeschermer/aanvraag")),
        new(typeof(Web.Pages.Caseworker.RequestModel), "POST", null, "caseworker", null, _ => Task.FromResult("/jeugdbeschermer/aanvraag"),
            _ => Task.FromResult(new Dictionary<string, string> { ["Form.CaseReference"] = "" })),
        // Only the caseworker who filed the child sees it; another caseworker gets "not found".
        new(typeof(Web.Pages.Caseworker.ChildModel), "GET", null, "caseworker", 404, async d => $"/jeugdbeschermer/kind/{await d.NewCaseworkersChildAsync()}"),
        // The follow-up of a filed child: only the caseworker who filed it; for another caseworker it does not exist.
        new(typeof(Web.Pages.Caseworker.ChildModel), "POST", "Information", "caseworker", 404,
            async d => $"/jeugdbeschermer/kind/{await d.NewCaseworkersChildAsync()}?handler=Information",
            _ => Task.FromResult(new Dictionary<string, string> { ["InformationText"] = "De school is gewisseld" })),
        new(typeof(Web.Pages.Caseworker.ChildModel), "POST", "Urgency", "caseworker", 404,
            async d => $"/jeugdbeschermer/kind/{await d.NewCaseworkersChildAsync()}?handler=Urgency",
            _ => Task.FromResult(new Dictionary<string, string> { ["Urgency"] = "crisis", ["UrgencyReason"] = "Thuis onveilig", ["KnownVersion"] = "1" })),
        new(typeof(Web.Pages.Caseworker.ChildModel), "POST", "Withdraw", "caseworker", 404,
            async d => $"/jeugdbeschermer/kind/{await d.NewCaseworkersChildAsync()}?handler=Withdraw",
            _ => Task.FromResult(new Dictionary<string, string> { ["WithdrawReason"] = "duplicate", ["WithdrawConfirmed"] = "true" })),
        new(typeof(Web.Pages.Network.IndexModel), "GET", null, "network", null, _ => Task.FromResult("/bovenregionaal")),
        // A network sees the escalated children of its own regions only.
        new(typeof(Web.Pages.Network.ChildModel), "GET", null, "network", 404, async d => $"/bovenregionaal/kind/{await d.NewEscalatedRequestAsync()}"),
        new(typeof(Web.Pages.Network.ChildModel), "POST", "AskDistance", "network", 404, async d => $"/bovenregionaal/kind/{await d.NewEscalatedRequestAsync()}?handler=AskDistance",
            _ => Task.FromResult(new Dictionary<string, string> { ["DistanceNote"] = "Verder weg is plek" })),
        new(typeof(Web.Pages.Network.ChildModel), "POST", "Hold", "network", 404, async d => $"/bovenregionaal/kind/{await d.NewEscalatedRequestAsync()}?handler=Hold",
            d => Task.FromResult(new Dictionary<string, string> { ["OfferingId"] = d.Offering.ToString(), ["HoldReason"] = "Buiten de regio is wel plek", ["HoldConfirmed"] = "true" })),
        new(typeof(Provider.IndexModel), "GET", null, "provider", null, _ => Task.FromResult("/aanbieder")),
        new(typeof(Provider.IndexModel), "POST", "Step", "provider", 404, _ => Task.FromResult("/aanbieder?handler=Step"),
            d => Task.FromResult(new Dictionary<string, string> { ["offeringId"] = d.Offering.ToString(), ["step"] = "1" })),
        new(typeof(Provider.IndexModel), "POST", "Set", "provider", 404, _ => Task.FromResult("/aanbieder?handler=Set"),
            async d => new Dictionary<string, string> { ["offeringId"] = d.Offering.ToString(),
                ["totalUnits"] = (await d.Market.FactsAsync(d.Offering)).TotalUnits.ToString(), ["occupiedUnits"] = (await d.Market.FactsAsync(d.Offering)).OccupiedUnits.ToString() }),
        new(typeof(Provider.IndexModel), "POST", "Confirm", "provider", 404, _ => Task.FromResult("/aanbieder?handler=Confirm"),
            d => Task.FromResult(new Dictionary<string, string> { ["offeringId"] = d.Offering.ToString() })),
        // Another provider's location: "not found", and its offerings are not confirmed.
        new(typeof(Provider.IndexModel), "POST", "ConfirmLocation", "provider", 404, _ => Task.FromResult("/aanbieder?handler=ConfirmLocation"),
            async d => new Dictionary<string, string>
            {
                ["locationId"] = (await d.Market.ScalarAsync<Guid>("SELECT location_id FROM offerings WHERE id = @id", new { id = d.Offering })).ToString(),
            }),
        // Another provider's location: "not found", and its contact stays as it was.
        new(typeof(Provider.IndexModel), "POST", "Contact", "provider", 404, _ => Task.FromResult("/aanbieder?handler=Contact"),
            async d => new Dictionary<string, string>
            {
                ["locationId"] = (await d.Market.ScalarAsync<Guid>("SELECT location_id FROM offerings WHERE id = @id", new { id = d.Offering })).ToString(),
                ["phone"] = "010 123 45 67", ["email"] = "intake@aanbieder.example",
            }),
        new(typeof(Provider.ProposalsModel), "GET", null, "provider", null, _ => Task.FromResult("/aanbieder/voorstellen")),
        // Another provider's proposal: the page says it does not exist, and nothing changes.
        new(typeof(Provider.ProposalsModel), "POST", "Accept", "provider", 200, _ => Task.FromResult("/aanbieder/voorstellen?handler=Accept"),
            async d => new Dictionary<string, string> { ["holdId"] = (await d.NewHoldAsync()).ToString(), ["startDate"] = MarketScenario.InDays(3), ["confirmed"] = "true" }),
        new(typeof(Provider.ProposalsModel), "POST", "Decline", "provider", 200, _ => Task.FromResult("/aanbieder/voorstellen?handler=Decline"),
            async d => new Dictionary<string, string> { ["holdId"] = (await d.NewHoldAsync()).ToString(), ["reason"] = "safety" }),
        new(typeof(Provider.SheetModel), "GET", null, "provider", null, _ => Task.FromResult("/aanbieder/bestand")),
        new(typeof(Provider.SheetModel), "GET", "Csv", "provider", null, _ => Task.FromResult("/aanbieder/bestand?handler=Csv")),
        // Another provider's offerings in an upload are refused row by row; the page answers with them.
        new(typeof(Provider.SheetModel), "POST", "Preview", "provider", null, _ => Task.FromResult("/aanbieder/bestand?handler=Preview")),
        new(typeof(Provider.SheetModel), "POST", "Apply", "provider", null, _ => Task.FromResult("/aanbieder/bestand?handler=Apply"),
            _ => Task.FromResult(new Dictionary<string, string> { ["plan"] = "[]" })),
        new(typeof(Web.Pages.Municipality.IndexModel), "GET", null, "municipality", null, _ => Task.FromResult("/gemeente")),
        new(typeof(Web.Pages.Municipality.IndexModel), "GET", "Csv", "municipality", null, _ => Task.FromResult("/gemeente?handler=Csv")),
        new(typeof(Web.Pages.Municipality.IndexModel), "GET", "Json", "municipality", null, _ => Task.FromResult("/gemeente?handler=Json")),
        new(typeof(Web.Pages.National.IndexModel), "GET", null, "national", null, _ => Task.FromResult("/landelijk")),
        new(typeof(Web.Pages.National.IndexModel), "GET", "Csv", "national", null, _ => Task.FromResult("/landelijk?handler=Csv")),
        new(typeof(Web.Pages.National.IndexModel), "GET", "Json", "national", null, _ => Task.FromResult("/landelijk?handler=Json")),
        new(typeof(Web.Pages.National.RematchModel), "GET", null, "national", null, _ => Task.FromResult("/landelijk/herverdeling")),
        new(typeof(Web.Pages.Municipality.WhatIfModel), "GET", null, "municipality", null, _ => Task.FromResult("/gemeente/wat-als")),
        new(typeof(Web.Pages.Municipality.WhatIfModel), "POST", "Purchase", "municipality", null, _ => Task.FromResult("/gemeente/wat-als?handler=Purchase"),
            _ => Task.FromResult(new Dictionary<string, string> { ["Purchase.Units"] = "0" })),
        new(typeof(Web.Pages.Municipality.WhatIfModel), "POST", "Contract", "municipality", null, _ => Task.FromResult("/gemeente/wat-als?handler=Contract")),
        new(typeof(Web.Pages.Municipality.WhatIfModel), "POST", "Sweep", "municipality", null, _ => Task.FromResult("/gemeente/wat-als?handler=Sweep")),
        // A run belongs to its region: another region's municipality gets "not found".
        new(typeof(Web.Pages.Municipality.WhatIfResultModel), "GET", null, "municipality", 404, async d => $"/gemeente/wat-als/{await d.WhatIfRunAsync()}"),
        new(typeof(Web.Pages.Municipality.WhatIfResultModel), "GET", "Csv", "municipality", 404, async d => $"/gemeente/wat-als/{await d.WhatIfRunAsync()}?handler=Csv"),
        new(typeof(Web.Pages.Municipality.WhatIfResultModel), "GET", "Json", "municipality", 404, async d => $"/gemeente/wat-als/{await d.WhatIfRunAsync()}?handler=Json"),
        new(null, "GET", null, "admin", null, _ => Task.FromResult("/ops/orleans/")),
        new(null, "GET", null, "admin", null, _ => Task.FromResult("/metrics")),
        new(null, "POST", null, SignedByIdentityProvider, null, _ => Task.FromResult("/signin-oidc/rijnmond-org/backchannel-logout"),
            _ => Task.FromResult(new Dictionary<string, string> { ["logout_token"] = "not.a.token" })),
    ];

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task EveryRole_AtEveryApiOperation_GetsWhatTheTableSays(string provider)
    {
        var market = await markets.ForAsync(provider);
        var doors = await Doors.OpenAsync(market);
        var documented = new Matchmaker.Tests.Api.DocumentedStatuses(await market.App.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/openapi.json"));
        var wrong = new List<string>();
        var checks = 0;
        foreach (var (role, region, browser) in await EveryoneAsync(market))
        {
            var isOther = region != MarketScenario.Region;
            foreach (var door in Api.Append(Hub))
            {
                var path = await door.Path(doors);
                using var request = new HttpRequestMessage(new HttpMethod(door.Method), path);
                if (door.Body is not null) request.Content = JsonContent.Create(await door.Body(doors));
                var response = await browser.SendAsync(request);
                var status = (int)response.StatusCode;
                checks++;
                var notOwner = door.OwnedBy is not null && !door.OwnedBy.Split(' ').Contains(role);
                var expected = Expected(door.Allowed, role, (isOther && door.OtherTenantNotFound) || notOwner ? 404 : null, api: true);
                if (!Meets(expected, response))
                    wrong.Add($"{role}@{region} {door.Method} {path}: {status}, expected {expected} ({await response.Content.ReadAsStringAsync()})");
                if (door != Hub && documented.Undocumented(door.Method, door.Template, status, $"{role}@{region}") is { } undocumented)
                    wrong.Add(undocumented);
            }
        }
        output.WriteLine($"{checks} API checks on {provider}");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase)), Trait(Lane.Name, Lane.Integration)]
    public async Task EveryRole_AtEveryPageHandler_GetsWhatTheTableSays(string provider)
    {
        var market = await markets.ForAsync(provider);
        var doors = await Doors.OpenAsync(market);
        var wrong = new List<string>();
        var checks = 0;
        foreach (var (role, region, browser) in await EveryoneAsync(market))
        {
            var token = await People.AntiforgeryTokenAsync(browser);
            var isOther = region != MarketScenario.Region;
            foreach (var door in Pages)
            {
                var path = await door.Path(doors);
                using var request = new HttpRequestMessage(new HttpMethod(door.Verb), path);
                if (door.Verb == "POST")
                {
                    var form = door.Form is null ? new Dictionary<string, string>() : await door.Form(doors);
                    form["__RequestVerificationToken"] = token;
                    request.Content = new FormUrlEncodedContent(form);
                }
                var response = await browser.SendAsync(request);
                checks++;
                var expected = Expected(door.Allowed, role, isOther ? door.OtherTenantStatus : null, api: false);
                if (!Meets(expected, response))
                    wrong.Add($"{role}@{region} {door.Verb} {path}: {(int)response.StatusCode} {response.Headers.Location}, expected {expected}");
            }
        }
        output.WriteLine($"{checks} page checks on {provider}");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact, Trait(Lane.Name, Lane.Integration)]
    public async Task TheApiTable_HasEveryOperationOfTheOpenApiDocument_AndNoOther()
    {
        var app = (await markets.ForAsync("sqlite")).App;
        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var documented = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}"))
            .Order().ToList();

        Assert.Equal(documented, Api.Select(door => $"{door.Method} {door.Template}").Order().ToList());
    }

    [Fact, Trait(Lane.Name, Lane.Fast)]
    public void ThePageTable_HasEveryPageHandler()
    {
        var handlers = typeof(Program).Assembly.GetTypes()
            .Where(type => type.IsSubclassOf(typeof(PageModel)))
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Select(method => HandlerName().Match(method.Name))
                .Where(match => match.Success)
                .Select(match => $"{type.FullName} {match.Groups[1].Value.ToUpperInvariant()} {match.Groups[2].Value}"))
            .Order().ToList();

        Assert.Equal(handlers, Pages.Where(door => door.Model is not null).Select(door => $"{door.Model!.FullName} {door.Verb} {door.Handler}").Distinct().Order().ToList());
    }

    [GeneratedRegex("^On(Get|Post|Put|Delete)(.*?)(Async)?$")]
    private static partial Regex HandlerName();

    private static async Task<List<(string Role, string Region, HttpClient Browser)>> EveryoneAsync(MarketScenario market)
    {
        var everyone = new List<(string, string, HttpClient)>();
        foreach (var role in People.Roles)
        {
            everyone.Add((role, MarketScenario.Region, await People.SignedInAsync(market, role, MarketScenario.Region)));
            if (role is Silo.Access.Roles.Desk or Silo.Access.Roles.Provider or Silo.Access.Roles.Caseworker or Silo.Access.Roles.Municipality)
                everyone.Add((role, MarketScenario.OtherRegion, await People.SignedInAsync(market, role, MarketScenario.OtherRegion)));
            // The other region is in the same expertise network; the network's other tenant is a region of another network.
            if (role is Silo.Access.Roles.Network)
                everyone.Add((role, OtherNetworkRegion, await People.SignedInAsync(market, role, OtherNetworkRegion)));
        }
        return everyone;
    }

    /// <summary>"allowed", "401", "403", "sign-in", "no-access" or a status code.</summary>
    private static string Expected(string allowed, string role, int? otherTenantStatus, bool api)
    {
        if (allowed == Anyone) return "allowed";
        if (allowed == PendingSignIn) return "sign-in";
        if (allowed == SignedByIdentityProvider) return "404";
        if (role == People.Anonymous) return api ? "401" : "sign-in";
        if (allowed != AnyRole && !allowed.Split(' ').Contains(role)) return api ? "403" : "no-access";
        return otherTenantStatus?.ToString() ?? "allowed";
    }

    private static bool Meets(string expected, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location?.ToString() ?? "";
        return expected switch
        {
            "allowed" => status < 500 && status is not (401 or 403 or 404) && !location.Contains("/account/sign-in") && !location.Contains("/status/403"),
            "401" => status == 401 && response.Headers.WwwAuthenticate.Count > 0,
            "sign-in" => status == 302 && location.Contains("/account/sign-in"),
            "no-access" => status == 302 && location.Contains("/status/403"),
            _ => status == int.Parse(expected),
        };
    }
}
