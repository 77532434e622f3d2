/**
 * Mapping templates: `$input`, `$util`, `$context`, `$stageVariables` and the Java String methods.
 */
import { expect } from "chai";
import { BodyParseError, MappingError } from "../../../local/gateway/errors.js";
import { renderTemplate, type TemplateInput, util } from "../../../local/gateway/vtl.js";

function input(body: string, extra: Partial<TemplateInput> = {}): TemplateInput {
  return {
    body,
    params: { path: { id: "7" }, querystring: { id: "q", q: "1" }, header: { "X-Id": "h", Accept: "a" } },
    context: { requestId: "r-1", authorizer: { principalId: "alice", tier: "3" } },
    stageVariables: { env: "dev" },
    ...extra,
  };
}

describe("local gateway: VTL mapping templates", () => {
  it("reads the body with $input.body, $input.json and $input.path (JSONPath)", () => {
    const body = '{"user":{"name":"Ann","tags":["a","b"]}}';
    expect(renderTemplate("$input.body", input(body))).to.equal(body);
    expect(renderTemplate("$input.json('$.user')", input(body))).to.equal('{"name":"Ann","tags":["a","b"]}');
    expect(renderTemplate("$input.json('$.user.name')", input(body))).to.equal('"Ann"');
    expect(renderTemplate("$input.path('$.user.tags').size()", input(body))).to.equal("2");
    expect(renderTemplate("#foreach($t in $input.path('$.user.tags'))$t;#end", input(body))).to.equal("a;b;");
    expect(renderTemplate("[$input.json('$.missing')]", input(body))).to.equal("[]");
  });

  it("treats an empty body as {} and refuses a non-JSON body read as JSON", () => {
    expect(renderTemplate("$input.json('$')", input(""))).to.equal("{}");
    expect(() => renderTemplate("$input.json('$')", input("{oops"))).to.throw(
      BodyParseError,
      /Could not parse/,
    );
    expect(renderTemplate("$input.body", input("{oops"))).to.equal("{oops");
  });

  it("looks $input.params(name) up in path, then query string, then header", () => {
    expect(renderTemplate("$input.params('id')", input(""))).to.equal("7");
    expect(renderTemplate("$input.params('q')", input(""))).to.equal("1");
    expect(renderTemplate("$input.params('x-id')", input(""))).to.equal("h");
    expect(renderTemplate("[$input.params('none')]", input(""))).to.equal("[]");
    expect(renderTemplate("$input.params().path.id", input(""))).to.equal("7");
  });

  it("exposes $context (including $context.authorizer) and $stageVariables, silent on missing values", () => {
    const out = renderTemplate(
      "$context.requestId $context.authorizer.principalId $context.authorizer.tier $stageVariables.env [$nothing]",
      input(""),
    );
    expect(out).to.equal("r-1 alice 3 dev []");
  });

  it("implements $util as API Gateway documents it", () => {
    expect(util.escapeJavaScript(`a"b'c\\d/e\nf\té`)).to.equal(`a\\"b\\'c\\\\d\\/e\\nf\\t\\u00E9`);
    expect(util.urlEncode("a b&c=d/é*~")).to.equal("a+b%26c%3Dd%2F%C3%A9*%7E");
    expect(util.urlDecode("a+b%26c")).to.equal("a b&c");
    expect(util.base64Encode("héllo")).to.equal("aMOpbGxv");
    expect(util.base64Decode("aMOpbGxv")).to.equal("héllo");
    expect(renderTemplate(`#set($o = $util.parseJson('{"a":{"b":5}}'))$o.a.b`, input(""))).to.equal("5");
  });

  it("offers the Java String methods templates use", () => {
    const render = (expression: string) =>
      renderTemplate(`#set($s = "  Hello, World  ")${expression}`, input(""));
    expect(render("$s.trim().length()")).to.equal("12");
    expect(render("$s.trim().toLowerCase()")).to.equal("hello, world");
    expect(render("$s.trim().toUpperCase()")).to.equal("HELLO, WORLD");
    expect(render("$s.replaceAll('[lo]+', '_')")).to.equal("  He_, W_r_d  ");
    expect(render("$s.replaceFirst('(\\w+), (\\w+)', '$2 $1')")).to.equal("  World Hello  ");
    expect(render("$s.replace('l', 'L')")).to.equal("  HeLLo, WorLd  ");
    expect(render("$s.trim().matches('Hello.*')")).to.equal("true");
    expect(render("$s.matches('Hello')")).to.equal("false");
    expect(render("$s.contains('World') $s.trim().startsWith('He') $s.trim().endsWith('d')")).to.equal(
      "true true true",
    );
    expect(render("$s.trim().substring(7) $s.trim().substring(0, 5)")).to.equal("World Hello");
    expect(render("$s.trim().equals('Hello, World') $s.equals('x')")).to.equal("true false");
    expect(render("$s.trim().split(', ').size()")).to.equal("2");
  });

  it('supports the documented $util.escapeJavaScript(...).replaceAll("\\\\\'","\'") idiom for JSON', () => {
    const out = renderTemplate(
      `{"name":"$util.escapeJavaScript($input.path('$.name')).replaceAll("\\\\'","'")"}`,
      input(`{"name":"O'Neil \\"Jr\\""}`),
    );
    expect(JSON.parse(out)).to.deep.equal({ name: `O'Neil "Jr"` });
  });

  it("refuses a template that does not parse", () => {
    expect(() => renderTemplate("#if($a", input(""))).to.throw(MappingError);
  });
});
