using FluentValidation;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Webhooks;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Web.Api;

/// <summary>
/// A system's webhook subscriptions: a URL that gets a small signed notification when there are events for it to pull
/// (<see cref="WebhookSignature"/>). The secret is shown once, at creation. A subscription belongs to the provider's
/// organisation or the desk's region: its people and systems see and change it, nobody else.
/// </summary>
public static class WebhooksApi
{
    public sealed record SubscriptionInput(string? Url);

    public sealed record StatusInput(string? Status);


    /// <summary>What the body must hold; where the URL may point is the engine's rule (<see cref="WebhookDestinations"/>).</summary>
    public sealed class SubscriptionInputValidator : AbstractValidator<SubscriptionInput>
    {
        public SubscriptionInputValidator() =>
            RuleFor(x => x.Url).NotEmpty().WithMessage("url is required.")
                .MaximumLength(2000).WithMessage("url is at most 2000 characters.");
    }

    public sealed class StatusInputValidator : AbstractValidator<StatusInput>
    {
        public StatusInputValidator() =>
            RuleFor(x => x.Status).Must(s => s is "active" or "paused").WithMessage("status is active or paused.");
    }

    public static void MapWebhooksApi(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks").RequireAuthorization(Policies.DeskOrProvider).RequireScope(Scopes.EventsRead);
        hooks.MapPost("", CreateAsync).Validate(new SubscriptionInputValidator())
            .Produces<Silo.Webhooks.WebhookSubscriptions.Created>(201).Refuses(Silo.Market.RuleCode.WebhookUrlNotAllowed, Silo.Market.RuleCode.TooManyWebhooks).Describe("createWebhook", "Registers an https URL that gets a signed notification (HMAC-SHA256, see docs/integration.md) when events after its cursor exist; pull them from /events. The secret is in this answer only. 400 (code webhook-url-not-allowed) when the URL is not https or its host is or resolves to a private, loopback, link-local, multicast or unspecified address; 409 (code too-many-webhooks) beyond 10 subscriptions per owner.");
        hooks.MapGet("", ListAsync)
            .Produces<List<Silo.Webhooks.WebhookSubscriptions.Subscription>>(200).Describe("listWebhooks", "The caller's subscriptions with their delivery state: failures in a row, last error (coarse: HTTP 404, geen antwoord, adres niet toegestaan), next attempt.");
        hooks.MapGet("/{webhookId:guid}", FindAsync)
            .Produces<Silo.Webhooks.WebhookSubscriptions.Subscription>(200).Describe("getWebhook", "One of the caller's subscriptions with its delivery state (the Location of createWebhook); 404 for anyone else's.");
        hooks.MapPatch("/{webhookId:guid}", SetStatusAsync).Validate(new StatusInputValidator())
            .Produces<Silo.Webhooks.WebhookSubscriptions.Subscription>(200).Describe("setWebhookStatus", "Pauses (paused) or resumes (active) a subscription; a resumed one is tried at once.");
        hooks.MapDelete("/{webhookId:guid}", DeleteAsync)
            .Produces(204).Describe("deleteWebhook", "Deletes a subscription.");
    }

    private static IResult NotFound() =>
        TypedResults.Problem(statusCode: 404, title: "Not found", detail: "This webhook subscription does not exist or is not yours.");

    private static async Task<IResult> CreateAsync(SubscriptionInput input, HttpContext context, WebhookSubscriptions subscriptions)
    {
        var created = await subscriptions.CreateAsync(Caller.Of(context).ToActor(), input.Url, context.RequestAborted);
        return TypedResults.Created($"/api/v1/webhooks/{created.Id}", created);
    }

    private static async Task<IResult> ListAsync(HttpContext context, WebhookSubscriptions subscriptions) =>
        TypedResults.Ok(await subscriptions.ListAsync(Caller.Of(context).ToActor()));

    private static async Task<IResult> FindAsync(Guid webhookId, HttpContext context, WebhookSubscriptions subscriptions) =>
        (await subscriptions.ListAsync(Caller.Of(context).ToActor())).FirstOrDefault(s => s.Id == webhookId) is { } found
            ? TypedResults.Ok(found)
            : NotFound();

    private static async Task<IResult> SetStatusAsync(Guid webhookId, StatusInput input, HttpContext context, WebhookSubscriptions subscriptions) =>
        await subscriptions.SetStatusAsync(Caller.Of(context).ToActor(), webhookId, input.Status!) is { } changed ? TypedResults.Ok(changed) : NotFound();

    private static async Task<IResult> DeleteAsync(Guid webhookId, HttpContext context, WebhookSubscriptions subscriptions) =>
        await subscriptions.DeleteAsync(Caller.Of(context).ToActor(), webhookId) ? TypedResults.NoContent() : NotFound();
}
