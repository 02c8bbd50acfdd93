using Matchmaker.Silo.Access;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Account;

/// <summary>
/// The second step of signing in: the 6-digit code from the authenticator app, or one of the recovery codes (used up).
/// Only with a pending sign-in (the right password a few minutes ago); counted like passwords, for the account from every
/// address together and per client address (<see cref="SignInThrottle"/>). Or, for a person with a passkey where passkeys
/// are on, the passkey: the browser signs the server's challenge (kept server-side, used once) and the engine verifies it.
/// </summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class CodeModel(PendingSignIns pendingSignIns, SecondFactors secondFactors, Passkeys passkeys, SignInThrottle throttle, TimeProvider clock) : PageModel
{
    public const string Path = "/account/code";

    [BindProperty] public string? Code { get; set; }
    [BindProperty] public Guid? PasskeyChallengeId { get; set; }
    [BindProperty] public string? PasskeyAnswer { get; set; }

    public string? CodeError { get; private set; }

    /// <summary>The options for <c>navigator.credentials.get</c>, or null (no passkey, or passkeys off here).</summary>
    public PasskeyChallenge? Passkey { get; private set; }
    public string? PasskeyError { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await pendingSignIns.ResumeAsync(HttpContext) is not { } resumed) return BackToSignIn();
        if (!await secondFactors.IsEnrolledAsync(resumed.User.Id, HttpContext.RequestAborted)) return LocalRedirect(EnrolModel.Path);
        await OfferPasskeyAsync(resumed.User);
        return Page();
    }

    /// <summary>The browser's signature with a passkey; every check is the engine's (<see cref="Passkeys.VerifyAsync"/>).</summary>
    public async Task<IActionResult> OnPostPasskeyAsync()
    {
        if (await pendingSignIns.ResumeAsync(HttpContext) is not { } resumed) return BackToSignIn();
        var (pending, user) = resumed;
        if (RelyingParty() is not { } party) return LocalRedirect(Path);
        var address = ClientAddress.Of(HttpContext);
        if (await throttle.AddressBlockedAsync(SignInThrottle.Door.Password, address, HttpContext.RequestAborted) is { } wait)
            return TooManyAttempts(HttpContext, this, wait);
        if (await throttle.TakeCodeAttemptAsync(user.Id) is { } until)
            return await PasskeyRefusedAsync(user, SecondFactorRefusalText.Waiting(until, clock));
        if (await passkeys.VerifyAsync(user, party, PasskeyChallengeId, PasskeyAnswer) is { } refusal)
        {
            await throttle.AddressFailedAsync(SignInThrottle.Door.Password, address);
            return await PasskeyRefusedAsync(user, PasskeyRefusalText.Of(refusal));
        }
        await throttle.CodeSucceededAsync(user.Id);
        PendingSignIns.End(HttpContext);
        await PersonSession.SignInAsync(HttpContext, user, "passkey", pending.Organisation, pending.OrganisationSession);
        return LocalRedirect(pending.ReturnUrl is { } url && Url.IsLocalUrl(url) ? url : SignInModel.HomeOf(user.Role));
    }

    private async Task<PageResult> PasskeyRefusedAsync(Accounts.Account user, string sentence)
    {
        PasskeyError = sentence;
        await OfferPasskeyAsync(user);
        return Page();
    }

    private async Task OfferPasskeyAsync(Accounts.Account user)
    {
        if (RelyingParty() is { } party) Passkey = await passkeys.BeginSignInAsync(user, party);
    }

    private RelyingParty? RelyingParty() => passkeys.For($"{Request.Scheme}://{Request.Host}");

    public async Task<IActionResult> OnPostAsync()
    {
        if (await pendingSignIns.ResumeAsync(HttpContext) is not { } resumed) return BackToSignIn();
        var (pending, user) = resumed;
        var address = ClientAddress.Of(HttpContext);
        if (await throttle.AddressBlockedAsync(SignInThrottle.Door.Password, address, HttpContext.RequestAborted) is { } wait)
            return TooManyAttempts(HttpContext, this, wait);
        if (string.IsNullOrWhiteSpace(Code))
            return await RefusedAsync(user, SecondFactorRefusalText.Missing);
        if (await throttle.TakeCodeAttemptAsync(user.Id) is { } until)
            return await RefusedAsync(user, SecondFactorRefusalText.Waiting(until, clock));
        switch (await secondFactors.VerifyAsync(user, Code))
        {
            case null:
                break;
            case SecondFactorRefusal.NotEnrolled:
                return LocalRedirect(EnrolModel.Path);
            case var refusal:
                await throttle.AddressFailedAsync(SignInThrottle.Door.Password, address);
                return await RefusedAsync(user, SecondFactorRefusalText.Of(refusal.Value));
        }
        await throttle.CodeSucceededAsync(user.Id);
        PendingSignIns.End(HttpContext);
        await PersonSession.SignInAsync(HttpContext, user, Code!.Count(char.IsLetterOrDigit) == 6 ? "totp" : "recovery-code", pending.Organisation, pending.OrganisationSession);
        return LocalRedirect(pending.ReturnUrl is { } url && Url.IsLocalUrl(url) ? url : SignInModel.HomeOf(user.Role));
    }

    private async Task<PageResult> RefusedAsync(Accounts.Account user, string sentence)
    {
        CodeError = sentence;
        Code = null;
        await OfferPasskeyAsync(user);
        return Page();
    }

    private IActionResult BackToSignIn()
    {
        PendingSignIns.End(HttpContext);
        return LocalRedirect("/account/sign-in");
    }

    /// <summary>Too many failures from this client address in a minute: 429 with Retry-After, the page saying so.</summary>
    internal static IActionResult TooManyAttempts(HttpContext context, PageModel page, TimeSpan wait)
    {
        ClientAddress.WriteRetryAfter(context, wait);
        page.ModelState.AddModelError(string.Empty, $"Te veel mislukte pogingen vanaf dit adres. Probeer het over {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minuut opnieuw.");
        var result = page.Page();
        result.StatusCode = StatusCodes.Status429TooManyRequests;
        return result;
    }
}

/// <summary>The Dutch sentence beside the passkey button, one per refusal.</summary>
internal static class PasskeyRefusalText
{
    public static string Of(PasskeyRefusal refusal) => refusal switch
    {
        PasskeyRefusal.Malformed => "Uw browser stuurde geen bruikbaar antwoord van een passkey. Probeer het opnieuw, of gebruik de code uit uw app.",
        PasskeyRefusal.ChallengeExpired => "Deze poging met uw passkey is verlopen of al gebruikt. Probeer het opnieuw.",
        PasskeyRefusal.NotVerified => "Deze passkey kon niet worden gecontroleerd. Probeer het opnieuw, of gebruik de code uit uw app.",
        PasskeyRefusal.UnknownCredential => "Deze passkey hoort niet bij uw account. Kies de passkey die u voor Matchmaker hebt ingesteld.",
        PasskeyRefusal.SignCountRegressed => "Deze passkey is geweigerd: hij lijkt gekopieerd of opnieuw afgespeeld. Neem contact op met de beheerder van Matchmaker in uw organisatie.",
        PasskeyRefusal.AlreadyEnrolled => "Tweestapsverificatie is voor uw account al ingesteld. Meld u opnieuw aan.",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };
}

/// <summary>The Dutch sentence beside the code field, one per refusal.</summary>
internal static class SecondFactorRefusalText
{
    public const string Missing = "Vul de code van 6 cijfers uit uw app in, of een herstelcode.";

    public static string Of(SecondFactorRefusal refusal) => refusal switch
    {
        SecondFactorRefusal.CodeWrong => "Deze code klopt niet of is al gebruikt. Vul de code in die uw app nu toont, of een herstelcode die u nog niet gebruikte.",
        SecondFactorRefusal.AlreadyEnrolled => "Tweestapsverificatie is voor uw account al ingesteld. Meld u opnieuw aan met uw code.",
        SecondFactorRefusal.NotEnrolled => "Voor uw account is nog geen tweestapsverificatie ingesteld. Meld u opnieuw aan.",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    public static string Waiting(DateTimeOffset until, TimeProvider clock) =>
        $"Te veel onjuiste codes. Probeer het over {Math.Max(1, (int)Math.Ceiling((until - clock.GetUtcNow()).TotalMinutes))} minuut opnieuw.";
}
