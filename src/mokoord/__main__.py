from mokoord.cli import main

main()
