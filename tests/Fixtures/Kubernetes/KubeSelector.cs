using System.Text.Json.Nodes;

namespace OrleansAttest.Fixtures.Kubernetes;

/// <summary>
/// labelSelector (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>) and
/// fieldSelector (<c>path=value</c>, <c>path!=value</c> over metadata.name, metadata.namespace and other dotted
/// paths) as one predicate over an object.
/// </summary>
public sealed class KubeSelector(IReadOnlyList<Func<JsonObject, bool>> requirements)
{
    public static readonly KubeSelector Everything = new([]);

    public bool Matches(JsonObject obj) => requirements.All(r => r(obj));

    public static KubeSelector Parse(string? labelSelector, string? fieldSelector)
    {
        var requirements = new List<Func<JsonObject, bool>>();
        foreach (var term in SplitTerms(labelSelector))
            requirements.Add(ParseLabel(term));
        foreach (var term in SplitTerms(fieldSelector))
            requirements.Add(ParseField(term));
        return new KubeSelector(requirements);
    }

    private static IEnumerable<string> SplitTerms(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
            yield break;
        int depth = 0, start = 0;
        for (int i = 0; i < selector.Length; i++)
        {
            if (selector[i] == '(') depth++;
            else if (selector[i] == ')') depth--;
            else if (selector[i] == ',' && depth == 0)
            {
                yield return selector[start..i].Trim();
                start = i + 1;
            }
        }
        yield return selector[start..].Trim();
    }

    private static readonly System.Text.RegularExpressions.Regex LabelKey =
        new(@"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

    private static string Key(string key, string term) => LabelKey.IsMatch(key) && key.Length <= 316
        ? key : throw KubeApiException.BadRequest($"unable to parse requirement: \"{term}\": \"{key}\" is not a valid label key");

    private static Func<JsonObject, bool> ParseLabel(string term)
    {
        string? Label(JsonObject o, string key) => KubeObjects.Str(o["metadata"]?["labels"]?[key]);
        if (term.StartsWith('!'))
        {
            string key = Key(term[1..].Trim(), term);
            return o => Label(o, key) is null;
        }
        foreach (var (word, negate) in new[] { (" notin ", true), (" in ", false) })
        {
            int at = term.IndexOf(word, StringComparison.Ordinal);
            if (at > 0)
            {
                string key = Key(term[..at].Trim(), term);
                string list = term[(at + word.Length)..].Trim();
                if (!list.StartsWith('(') || !list.EndsWith(')'))
                    throw KubeApiException.BadRequest($"unable to parse requirement: {term}: values must be in parentheses");
                var values = list[1..^1].Split(',').Select(v => v.Trim()).ToHashSet();
                return o => values.Contains(Label(o, key) ?? "\u0000") != negate;
            }
        }
        var (path, value, negated) = SplitEquality(term);
        if (path is null)
        {
            string key = Key(term.Trim(), term);
            return o => Label(o, key) is not null;
        }
        string labelKey = Key(path, term);
        return o => (Label(o, labelKey) == value) != negated;
    }

    private static Func<JsonObject, bool> ParseField(string term)
    {
        var (path, value, negated) = SplitEquality(term);
        if (path is null || path.Length == 0)
            throw KubeApiException.BadRequest($"invalid field selector: \"{term}\": expected path=value or path!=value");
        return o => (KubeJsonPath.Text(KubeJsonPath.Evaluate(o, "." + path).FirstOrDefault()) == value) != negated;
    }

    private static (string? Path, string Value, bool Negated) SplitEquality(string term)
    {
        foreach (var (op, negated) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            int at = term.IndexOf(op, StringComparison.Ordinal);
            if (at >= 0)
                return (term[..at].Trim(), term[(at + op.Length)..].Trim(), negated);
        }
        return (null, "", false);
    }
}
