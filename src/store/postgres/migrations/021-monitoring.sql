-- The monitoring report aggregated in SQL (issue 12, decision 0028).
--
-- A ticket's answer as the report reads it: the value at `key` when it is a string, else NULL.
-- The answers are kept as written, and a json value holding an escaped U+0000 makes the json
-- operators fail when they unescape it: such an answer is read with its U+0000 escapes dropped,
-- and as none if even that fails, rather than failing the whole report.
CREATE FUNCTION monitoring_answer(answers json, key text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF json_typeof(answers -> key) = 'string' THEN
    RETURN answers ->> key;
  END IF;
  RETURN NULL;
EXCEPTION WHEN others THEN
  BEGIN
    RETURN CASE WHEN json_typeof(replace(answers::text, '\u0000', '')::json -> key) = 'string' THEN replace(answers::text, '\u0000', '')::json ->> key END;
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END;
END
$$;
