from pcontract.cli import main

main()
