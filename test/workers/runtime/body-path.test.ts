import { strict as assert } from "node:assert";
import { bodyPathFields, valueAtFields } from "../../../workers/runtime/body-path";

describe("runtime: body paths", () => {
    it("splits body.<field>[.<field>...] into its fields and refuses anything else", () => {
        assert.deepEqual(bodyPathFields("body.customer.id"), ["customer", "id"]);
        for (const bad of ["body", "body.", "customer.id", "body.items.0", "body.a-b"]) assert.equal(bodyPathFields(bad), undefined, bad);
    });

    it("reads strings as they are and other values as JSON", () => {
        const body = { customer: { id: "c-7", tier: 2, tags: ["a"], vip: false } };
        assert.equal(valueAtFields(body, ["customer", "id"]), "c-7");
        assert.equal(valueAtFields(body, ["customer", "tier"]), "2");
        assert.equal(valueAtFields(body, ["customer", "tags"]), '["a"]');
        assert.equal(valueAtFields(body, ["customer", "vip"]), "false");
    });

    it("treats absent, null and empty values, and inherited properties, as missing", () => {
        const body = { a: null, b: "", c: { d: 1 } };
        for (const fields of [["a"], ["b"], ["x"], ["c", "d", "e"], ["constructor"], ["c", "toString"]]) {
            assert.equal(valueAtFields(body, fields), undefined, fields.join("."));
        }
    });
});
