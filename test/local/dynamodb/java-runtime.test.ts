import { expect } from "chai";
import { findJavaRuntime, MIN_JAVA_MAJOR, parseJavaVersion } from "../../../local/dynamodb/java-runtime.js";

describe("local/dynamodb/java-runtime", () => {
  it("reads the major version of today's and of 1.x version strings", () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime')).to.deep.equal({
      version: "17.0.15",
      major: 17,
    });
    expect(parseJavaVersion('java version "1.8.0_392"')).to.deep.equal({ version: "1.8.0_392", major: 8 });
    expect(parseJavaVersion('openjdk version "21" 2023-09-19')).to.deep.equal({ version: "21", major: 21 });
    expect(parseJavaVersion('openjdk version "23-ea" 2024-09-17')).to.deep.equal({
      version: "23-ea",
      major: 23,
    });
  });

  it("finds no version in output without one", () => {
    expect(parseJavaVersion("Error: could not find libjava.so")).to.equal(undefined);
    expect(parseJavaVersion('version "x.y"')).to.equal(undefined);
  });

  it("says there is no java when PATH has none and JAVA_HOME points nowhere", () => {
    expect(findJavaRuntime({ PATH: "/nonexistent", JAVA_HOME: "/nonexistent" })).to.deep.equal({
      missing: "no java on PATH",
    });
    expect(MIN_JAVA_MAJOR).to.equal(17);
  });
});
