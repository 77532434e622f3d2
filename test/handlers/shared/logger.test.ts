import { expect } from "chai";
import sinon from "sinon";
import { createLogger } from "../../../handlers/shared/logger.js";

function capture(level?: string) {
  const lines: string[] = [];
  const logger = createLogger("svc", { level, write: (line) => lines.push(line) });
  return { logger, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("handlers/shared/logger", () => {
  afterEach(() => sinon.restore());

  it("writes one JSON line with level, service, message, fields and time", () => {
    const { logger, records } = capture();
    logger.info("allowed", { principalId: "alice" });
    const [record] = records();
    expect(record).to.include({ level: "INFO", service: "svc", message: "allowed", principalId: "alice" });
    expect(new Date(record?.time as string).toISOString()).to.equal(record?.time);
  });

  it("does not let fields overwrite the time", () => {
    const { logger, records } = capture();
    logger.info("m", { time: "forged" });
    expect(records()[0]?.time).to.not.equal("forged");
  });

  it("drops lines below the minimum level", () => {
    const { logger, records } = capture("warn");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(records().map((r) => r.level)).to.deep.equal(["WARN", "ERROR"]);
  });

  it("falls back to INFO for an unknown level", () => {
    const { logger, records } = capture("verbose");
    logger.debug("d");
    logger.info("i");
    expect(records().map((r) => r.level)).to.deep.equal(["INFO"]);
  });

  it("takes the level from LOG_LEVEL when none is given", () => {
    const saved = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "DEBUG";
    try {
      const { logger, records } = capture();
      logger.debug("d");
      expect(records()).to.have.length(1);
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = saved;
    }
  });

  it("logs errors as name and message only (no stack, no enumerable extras)", () => {
    const { logger, records } = capture();
    const error = Object.assign(new TypeError("boom"), { secret: "x" });
    logger.error("failed", { error });
    expect(records()[0]?.error).to.deep.equal({ name: "TypeError", message: "boom" });
  });

  it("writes to stdout by default", () => {
    const write = sinon.stub(process.stdout, "write").returns(true);
    try {
      createLogger("svc", { level: "INFO" }).info("hello");
    } finally {
      write.restore();
    }
    expect(write.calledOnce).to.equal(true);
    expect(String(write.firstCall.args[0])).to.match(
      /^\{"level":"INFO","service":"svc","message":"hello".*\}\n$/,
    );
  });
});
