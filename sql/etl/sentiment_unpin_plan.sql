-- sentiment_unpin_plan.sql: undo sentiment_pin_plan.sql. No params.
reset disabled_optimizers;
