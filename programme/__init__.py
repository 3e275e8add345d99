"""The programme as the ministry runs it: the ③ contractor's supporters and their advice, each designation's plan
(実施計画書), estimate (所要経費) and ledger of actual spending, the wide-area network of ① and ② consortia, the
programme's events, and the continuation plans (自走化) of consortia whose designation ends."""
