-- The pricing-terms version: projects.terms_version moves with every change of what prices a deal —
-- any insert, update or delete of a discount rule or payment plan, and a change of the pricing policy
-- or the time zone (which dates the payment schedule) — whoever makes it (the price book screens, the
-- demo seed, an operator's SQL). kaipan_confirm (step 2) refuses a quote made from older terms.
-- Source of the current definitions: prisma/migrations/20261128003400_pricing_terms_rules; checked
-- against it by server/src/selling/sql-sources.test.ts.

CREATE OR REPLACE FUNCTION kaipan_bump_terms_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE projects SET terms_version = terms_version + 1 WHERE id = OLD.project_id;
  ELSE
    UPDATE projects SET terms_version = terms_version + 1 WHERE id = NEW.project_id;
    IF TG_OP = 'UPDATE' AND OLD.project_id IS DISTINCT FROM NEW.project_id THEN
      UPDATE projects SET terms_version = terms_version + 1 WHERE id = OLD.project_id;
    END IF;
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER discount_rules_terms_version AFTER INSERT OR UPDATE OR DELETE ON discount_rules
  FOR EACH ROW EXECUTE FUNCTION kaipan_bump_terms_version();
CREATE TRIGGER payment_plans_terms_version AFTER INSERT OR UPDATE OR DELETE ON payment_plans
  FOR EACH ROW EXECUTE FUNCTION kaipan_bump_terms_version();

CREATE OR REPLACE FUNCTION kaipan_project_terms_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.terms_version := OLD.terms_version + 1;
  RETURN NEW;
END;
$$;

CREATE TRIGGER projects_terms_version BEFORE UPDATE OF pricing_policy, timezone ON projects
  FOR EACH ROW WHEN (OLD.pricing_policy IS DISTINCT FROM NEW.pricing_policy OR OLD.timezone IS DISTINCT FROM NEW.timezone)
  EXECUTE FUNCTION kaipan_project_terms_version();
